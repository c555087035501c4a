package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.cli.CliRun;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.TestAssets;
import dev.polarity.model.TextEncoder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    /** Four words in a 2-d embedding: good and great point the same way, bad the other, dull across. */
    private static final Tensor TABLE = Tensor.fromArray(new float[] {
            1f, 0.1f,   // 0 good
            0.9f, 0.2f, // 1 great
            -1f, 0f,    // 2 bad
            0f, 1f},    // 3 dull
            4, 2);
    private static final List<String> WORDS = List.of("good", "great", "bad", "dull");

    @Test
    void neighboursAreTheClosestOtherWordsByCosineNearestFirst() {
        Map<String, String[]> near = Augmenter.nearest(WORDS, List.of(0, 1, 2, 3), TABLE, 2);
        assertThat(near.get("good")).containsExactly("great", "dull");
        assertThat(near.get("bad")).containsExactly("dull", "great");
        assertThat(near.get("dull")).doesNotContain("dull").hasSize(2);
        // more neighbours asked for than there are other words: all of them, never the word itself
        assertThat(Augmenter.nearest(WORDS, List.of(0, 1, 2, 3), TABLE, 10).get("great")).containsExactly("good", "dull", "bad");
    }

    @Test
    void onlyKnownWordsAreSwappedAndTheSameSeedGivesTheSameSentence() {
        Augmenter always = new Augmenter(Augmenter.nearest(WORDS, List.of(0, 1, 2, 3), TABLE, 1), 1f);
        assertThat(always.augment("a good , dull film .", new Random(1))).isEqualTo("a great , great film .");
        Augmenter never = new Augmenter(Augmenter.nearest(WORDS, List.of(0, 1, 2, 3), TABLE, 3), 0f);
        assertThat(never.augment("a good , dull film .", new Random(1))).isEqualTo("a good , dull film .");
        Augmenter half = new Augmenter(Augmenter.nearest(WORDS, List.of(0, 1, 2, 3), TABLE, 3), 0.5f);
        String text = "good great bad dull good great bad dull";
        assertThat(half.augment(text, new Random(7))).isEqualTo(half.augment(text, new Random(7)));
        assertThat(half.augment(text, new Random(7)).split(" ")).hasSize(8).isSubsetOf(WORDS);
        assertThatThrownBy(() -> new Augmenter(Map.of(), 1.5f)).hasMessageContaining("[0, 1]");
    }

    @Test
    void onlyWholeSingleWordPiecesOfTheTrainingTextAreCandidates() throws Exception {
        try (TextEncoder tokenizer = new TextEncoder(TestAssets.baseModelDir().resolve(ModelFiles.TOKENIZER), 32)) {
            List<Example> train = List.of(new Example(1, "a good , funny film ."), new Example(0, "it does n't work , zzyzxq ."));
            Tensor table = Tensor.randn(new Random(3), 30522, 8);
            Augmenter a = Augmenter.build(train, tokenizer, table, 3, 1f, 0);
            // "a" is one letter; ",", "." and "n't" are not words; "zzyzxq" is several word pieces
            assertThat(a.neighboursOf("good")).hasSize(3).doesNotContain("good");
            assertThat(a.neighboursOf("zzyzxq")).isEmpty();
            assertThat(a.neighboursOf(",")).isEmpty();
            assertThat(a.neighboursOf("a")).isEmpty();
            assertThat(a.vocabularySize()).isEqualTo(6); // good funny film it does work
            List<Example> twice = List.of(new Example(1, "a good film , a good cast ."), new Example(0, "a dull film ."));
            Augmenter common = Augmenter.build(twice, tokenizer, table, 3, 1f, 2); // "good" and "film" are the two most frequent
            assertThat(common.neighboursOf("good")).isEmpty();
            assertThat(common.neighboursOf("dull")).containsExactly("cast");
        }
    }

    @Test
    void anAugmentedSentenceTakesTheTeachersLabelAndTheOthersKeepTheirs() {
        int[] labels = {0, 0, 1};
        Tensor teacher = Tensor.fromArray(new float[] {0.2f, 0.8f, 0.3f, 0.7f, 0.9f, 0.1f}, 3, 2);
        BatchSource.relabel(labels, new boolean[] {true, false, true}, teacher);
        assertThat(labels).containsExactly(1, 0, 0);
    }

    @Test
    void augmentWithoutATeacherOrOutOfRangeIsRefusedInOneLine() {
        CliRun.assertUsageError("--augment needs --teacher", "train", "--train", "t", "--dev", "d", "--augment", "0.5");
        CliRun.assertUsageError("augment must be a fraction", "train", "--train", "t", "--dev", "d", "--teacher", "x", "--augment", "2");
    }
}
