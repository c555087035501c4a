package dev.polarity.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.model.ModelFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Character offsets from the shipped model's tokenizer, and occlusion on the shipped model. */
class ShippedModelExplainTest {
    static final Path SHIPPED = Path.of("models", "polarity-sst2-minilm");
    private static ModelFiles.Loaded loaded;
    private static PieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        loaded = ModelFiles.loadClassifier(SHIPPED, 256);
        tokenizer = new PieceTokenizer(SHIPPED.resolve(ModelFiles.TOKENIZER));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        loaded.close();
    }

    @Test
    void piecesCarryTheCharacterSpansOfTheText() {
        String text = "  Naïve CAFÉ-goers didn't hate it 🎬, unbelievably\tgood!";
        Pieces p = tokenizer.encode(text);
        assertThat(p.special()[0]).isTrue();
        assertThat(p.special()[p.length() - 1]).isTrue();
        int previousEnd = 0;
        for (int i = 1; i < p.length() - 1; i++) {
            assertThat(p.special()[i]).isFalse();
            String span = text.substring(p.start()[i], p.end()[i]);
            assertThat(p.start()[i]).as("piece %d starts after the last one", i).isGreaterThanOrEqualTo(previousEnd);
            previousEnd = p.end()[i];
            String piece = p.tokens()[i].replaceFirst("^##", "");
            if (!piece.equals("[UNK]")) {
                // the tokenizer lower-cases and strips accents; the span is the text as written
                assertThat(fold(span)).as("piece %d '%s'", i, p.tokens()[i]).isEqualTo(piece);
            }
        }
        assertThat(p.words()).extracting(Pieces.Word::word)
                .containsExactly("Naïve", "CAFÉ-goers", "didn't", "hate", "it", "🎬,", "unbelievably", "good!");
        for (Pieces.Word w : p.words()) {
            assertThat(text.substring(w.start(), w.end())).isEqualTo(w.word());
        }
    }

    private static String fold(String s) {
        return java.text.Normalizer.normalize(s.toLowerCase(java.util.Locale.ROOT), java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "");
    }

    @Test
    void occludingAnIrrelevantWordChangesAlmostNothingWhileTheSentimentWordMatters() {
        Explainer explainer = new Explainer(loaded.model(), loaded.model().encoder().config().padTokenId(),
                Explainer.DEFAULT_MAX_PASS_TOKENS);
        Explanation e = explainer.explain(tokenizer.encode("the plot is a mess ."), Method.OCCLUSION, -1, 0);
        assertThat(loaded.model().labels().get(e.target())).isEqualTo("negative");
        assertThat(e.words()).extracting(Pieces.Word::word).containsExactly("the", "plot", "is", "a", "mess", ".");
        assertThat(Math.abs(e.wordAttributions()[0])).as("'the'").isLessThan(0.01f);
        assertThat(Math.abs(e.wordAttributions()[3])).as("'a'").isLessThan(0.01f);
        assertThat(e.wordAttributions()[4]).as("'mess'").isGreaterThan(0.5f);
    }
}
