package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.cli.CliRun;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.optim.AdamW;
import dev.polarity.model.BertConfig;
import dev.polarity.model.SequenceClassifier;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The optimizer groups a fine-tuning run builds: decay exemptions and the per-layer learning-rate scale. */
class LayerDecayTest {
    private static final BertConfig TINY = new BertConfig("bert", 10, 4, 2, 2, 8, "gelu", 8, 2, 1e-12, 0.1, 0.1, 0, List.of());

    private static Map<Parameter, AdamW.Group> groupOf(List<AdamW.Group> groups) {
        Map<Parameter, AdamW.Group> of = new IdentityHashMap<>();
        groups.forEach(g -> g.params().forEach(p -> of.put(p, g)));
        return of;
    }

    @Test
    void depthCountsFromTheEmbeddingsUpToTheHead() {
        assertThat(Trainer.depth("bert.embeddings.word_embeddings.weight", 6)).isZero();
        assertThat(Trainer.depth("bert.encoder.layer.0.attention.self.query.weight", 6)).isEqualTo(1);
        assertThat(Trainer.depth("bert.encoder.layer.5.output.LayerNorm.bias", 6)).isEqualTo(6);
        assertThat(Trainer.depth("bert.encoder.layer.11.output.dense.weight", 12)).isEqualTo(12);
        assertThat(Trainer.depth("classifier.weight", 6)).isEqualTo(7);
    }

    @Test
    void lowerLayersGetGeometricallySmallerRatesAndBiasesNoDecay() {
        SequenceClassifier model = new SequenceClassifier(TINY, Trainer.LABELS, new Random(1));
        Map<String, Parameter> named = model.namedParameters();
        named.get("bert.embeddings.word_embeddings.weight").requiresGrad(false);
        Map<Parameter, AdamW.Group> of = groupOf(Trainer.groups(named, 2, 0.01f, 0.5f));
        assertThat(of).doesNotContainKey(named.get("bert.embeddings.word_embeddings.weight"));
        assertThat(of).hasSize(named.size() - 1);
        assertThat(of.get(named.get("classifier.weight")).lrScale()).isEqualTo(1f);
        assertThat(of.get(named.get("bert.encoder.layer.1.output.dense.weight")).lrScale()).isEqualTo(0.5f);
        assertThat(of.get(named.get("bert.encoder.layer.0.output.dense.weight")).lrScale()).isEqualTo(0.25f);
        assertThat(of.get(named.get("bert.embeddings.position_embeddings.weight")).lrScale()).isEqualTo(0.125f);
        assertThat(of.get(named.get("classifier.weight")).weightDecay()).isEqualTo(0.01f);
        assertThat(of.get(named.get("classifier.bias")).weightDecay()).isZero();
        assertThat(of.get(named.get("bert.encoder.layer.0.output.LayerNorm.weight")).weightDecay()).isZero();
    }

    @Test
    void layerDecayOneGivesEveryParameterTheFullRate() {
        SequenceClassifier model = new SequenceClassifier(TINY, Trainer.LABELS, new Random(1));
        List<AdamW.Group> groups = Trainer.groups(model.namedParameters(), 2, 0.01f, 1f);
        assertThat(groups).allSatisfy(g -> assertThat(g.lrScale()).isEqualTo(1f));
        assertThat(groupOf(groups)).hasSameSizeAs(model.namedParameters());
    }

    @Test
    void layerDecayOutsideZeroToOneIsRejected() {
        CliRun.assertUsageError("layer-decay", "train", "--train", "t", "--dev", "d", "--layer-decay", "0");
        CliRun.assertUsageError("layer-decay", "train", "--train", "t", "--dev", "d", "--layer-decay", "1.5");
    }
}
