package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.cli.CliRun;
import dev.polarity.engine.io.DType;
import dev.polarity.engine.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shallower student starts from a trained classifier's lower layers: {@code train --base DIR --layers N}. */
class EncoderStateTest {
    private static final List<String> LABELS = List.of("negative", "positive");

    private static BertConfig tiny(int layers) {
        return new BertConfig("bert", 30522, 8, layers, 2, 16, "gelu", 32, 2, 1e-12, 0.1, 0.1, 0, LABELS);
    }

    @Test
    void aClassifiersFirstLayersLoadIntoAShallowerEncoder() {
        SequenceClassifier deep = new SequenceClassifier(tiny(3), LABELS, new Random(1));
        Map<String, Tensor> cut = EncoderState.of(deep.stateDict(), 2);
        assertThat(cut.keySet()).noneMatch(k -> k.startsWith("bert.") || k.startsWith("classifier")
                || k.startsWith("encoder.layer.2."));

        SequenceClassifier shallow = new SequenceClassifier(tiny(2), LABELS, new Random(2));
        shallow.loadEncoder(cut); // strict: every weight of the shallow encoder present, none left over
        Map<String, Tensor> loaded = shallow.encoder().stateDict();
        Map<String, Tensor> source = deep.stateDict();
        for (String key : loaded.keySet()) {
            assertThat(loaded.get(key).toArray()).as(key).containsExactly(source.get("bert." + key).toArray());
        }
    }

    @Test
    void anImportedEncoderIsTakenAsItIs() {
        BertEncoder encoder = new SequenceClassifier(tiny(2), LABELS, new Random(1)).encoder();
        Map<String, Tensor> state = encoder.stateDict();
        assertThat(EncoderState.of(state, 0).keySet()).containsExactlyElementsOf(state.keySet());
        assertThat(EncoderState.of(state, 1).keySet()).noneMatch(k -> k.startsWith("encoder.layer.1."))
                .anyMatch(k -> k.startsWith("encoder.layer.0."));
    }

    @Test
    void moreLayersThanTheBaseHasIsAUsageError(@TempDir Path dir) throws Exception {
        ModelFiles.saveClassifier(new SequenceClassifier(tiny(2), LABELS, new Random(1)),
                TestAssets.baseModelDir().resolve(ModelFiles.TOKENIZER), dir.resolve("base"), DType.F32, Map.of());
        CliRun.assertUsageError("the base has 2 layers", "train", "--train", "t.tsv", "--dev", "d.tsv",
                "--base", dir.resolve("base").toString(), "--layers", "3", "--out", dir.resolve("out").toString());
        CliRun.assertUsageError("layers must be >= 0", "train", "--train", "t", "--dev", "d", "--layers", "-1");
    }
}
