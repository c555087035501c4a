package dev.polarity.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Naming, state dicts and the recursive train/eval flag of Module. */
class ModuleTest {

    /** A two-level module: a block with its own parameter and buffer, holding a Sequential. */
    static final class Block extends Module {
        final Parameter scale = registerParameter("scale", new Parameter(Tensor.ones(2)));
        final Tensor steps = registerBuffer("steps", Tensor.zeros(1));
        final Sequential body = registerModule("body",
                new Sequential(new Linear(3, 2, new Random(1)), new BatchNorm1d(2), new Dropout(0.5f, new Random(2))));

        Module register(String name) {
            return registerModule(name, new GELU());
        }
    }

    @Test
    void namesAreDottedPathsInRegistrationOrder() {
        Block b = new Block();
        assertThat(b.namedParameters().keySet())
                .containsExactly("scale", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias");
        assertThat(b.stateDict().keySet()).containsExactly("scale", "steps", "body.0.weight", "body.0.bias",
                "body.1.weight", "body.1.bias", "body.1.running_mean", "body.1.running_var");
        assertThat(b.parameters()).hasSize(5).first().isSameAs(b.scale);
        assertThat(b.parameterCount()).isEqualTo(2 + 6 + 2 + 2 + 2);
        assertThat(b.children()).containsOnlyKeys("body");
        assertThat(b.stateDict().get("scale")).as("the module's own tensor, not a copy").isSameAs(b.scale);
    }

    @Test
    void duplicateOrDottedNamesAreRefused() {
        Block b = new Block();
        assertThatThrownBy(() -> b.register("body")).hasMessageContaining("Block").hasMessageContaining("'body'");
        assertThatThrownBy(() -> b.register("a.b")).hasMessageContaining("'a.b'");
        assertThatThrownBy(() -> b.register("")).hasMessageContaining("invalid");
        assertThat(b.register("act")).isInstanceOf(GELU.class);
    }

    @Test
    void loadStateDictCopiesEveryEntryIncludingBuffers() {
        Block src = new Block();
        Block dst = new Block();
        Map<String, Tensor> state = new LinkedHashMap<>();
        Random rng = new Random(9);
        src.stateDict().forEach((k, v) -> state.put(k, Tensor.randn(rng, v.shape().toArray())));
        dst.loadStateDict(state);
        dst.stateDict().forEach((k, v) -> assertThat(v.toArray()).as(k).containsExactly(state.get(k).toArray()));
        // Copied, not aliased: changing the source afterwards leaves the module alone.
        float before = dst.steps.item();
        state.get("steps").fill_(123f);
        assertThat(dst.steps.item()).isEqualTo(before);
        assertThat(dst.scale.requiresGrad()).isTrue();
        assertThat(dst.scale.isLeaf()).isTrue();
    }

    @Test
    void loadStateDictIsStrictAboutEachKindOfMismatch() {
        Block b = new Block();
        Map<String, Tensor> missing = new LinkedHashMap<>(b.stateDict());
        missing.remove("body.1.running_var");
        assertThatThrownBy(() -> b.loadStateDict(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Block").hasMessageContaining("missing [body.1.running_var]")
                .hasMessageContaining("unexpected []").hasMessageContaining("mis-shaped []");

        Map<String, Tensor> extra = new LinkedHashMap<>(b.stateDict());
        extra.put("body.3.weight", Tensor.zeros(1));
        assertThatThrownBy(() -> b.loadStateDict(extra)).hasMessageContaining("missing []").hasMessageContaining("unexpected [body.3.weight]");

        Map<String, Tensor> misShaped = new LinkedHashMap<>(b.stateDict());
        misShaped.put("body.0.weight", Tensor.zeros(2, 4));
        assertThatThrownBy(() -> b.loadStateDict(misShaped))
                .hasMessageContaining("mis-shaped [body.0.weight (expected [2, 3], got [2, 4])]");
    }

    @Test
    void trainAndEvalRecurseIntoEveryDescendant() {
        Block b = new Block();
        Module dropout = b.body.children().get("2");
        assertThat(b.isTraining()).isTrue();
        assertThat(dropout.isTraining()).isTrue();
        assertThat(b.eval()).isSameAs(b);
        assertThat(b.isTraining()).isFalse();
        assertThat(b.body.isTraining()).isFalse();
        assertThat(dropout.isTraining()).isFalse();
        b.body.train();
        assertThat(b.isTraining()).as("a child never changes its parent").isFalse();
        assertThat(dropout.isTraining()).isTrue();
        b.train(false);
        assertThat(dropout.isTraining()).isFalse();
        b.train();
        assertThat(b.body.children().get("1").isTraining()).isTrue();
    }

    @Test
    void zeroGradClearsEveryParameterGradient() {
        Block b = new Block();
        Tensor x = Tensor.randn(1, 4, 3);
        b.body.forward(x).mul(b.scale).sum().backward();
        assertThat(b.parameters()).allSatisfy(p -> assertThat(p.grad()).isNotNull());
        b.zeroGrad();
        assertThat(b.parameters()).allSatisfy(p -> assertThat(p.grad()).isNull());
    }

    @Test
    void parameterOwnsACopyOfAViewAndSharesAWholeTensor() {
        Tensor whole = Tensor.ones(4);
        assertThat(new Parameter(whole).storage()).isSameAs(whole.storage());
        Tensor view = Tensor.arange(6).reshape(2, 3).t();
        Parameter p = new Parameter(view);
        assertThat(p.storage()).isNotSameAs(view.storage());
        assertThat(p.toArray()).containsExactly(view.toArray());
        assertThat(p.isContiguous()).isTrue();
    }
}
