package dev.polarity.engine.autograd;

import static dev.polarity.engine.autograd.GradCheck.check;
import static dev.polarity.engine.autograd.GradCheck.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Functional.Activation;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused ops training records: finite-difference checks of every gradient, and the same values
 * as the composition of basic ops they replace.
 */
class FusedGradientCheckTest {
    private static void assertSame(Tensor fused, Tensor composed) {
        assertThat(fused.shape()).isEqualTo(composed.shape());
        float[] a = fused.toArray();
        float[] b = composed.toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(b[i], within(1e-4f * Math.max(1f, Math.abs(b[i]))));
        }
    }

    @Test
    void linearWithEachActivation() {
        for (Activation act : Activation.values()) {
            check("linear " + act, in -> Functional.linear(in[0], in[1], in[2], act),
                    randn(1, 2, 3, 5), randn(2, 4, 5), randn(3, 4));
        }
        check("linear without bias", in -> Functional.linear(in[0], in[1], null, Activation.NONE), randn(4, 7, 5), randn(5, 3, 5));
        // More outputs per row than a vector holds, and not a multiple of it: vector body and tail.
        for (Activation act : Activation.values()) {
            check("linear wide " + act, in -> Functional.linear(in[0], in[1], in[2], act),
                    randn(6, 3, 4), randn(7, 19, 4), randn(8, 19));
        }
    }

    /**
     * Gradients that arrive as views: slices of a concatenation (rows strided, as query, key and
     * value's are) and an expanded one (every row the same storage) are read in place, not copied.
     */
    @Test
    void linearOfGradientsThatAreViews() {
        check("linear under concat", in -> Tensor.concat(1, Functional.linear(in[0], in[1], in[2], Activation.NONE),
                Functional.linear(in[0], in[3], null, Activation.NONE)), randn(1, 6, 5), randn(2, 4, 5), randn(3, 4), randn(4, 3, 5));
        Tensor x = randn(5, 30, 9);
        Tensor w = randn(6, 27, 9);
        Tensor b = randn(7, 27);
        Functional.linear(x, w, b, Activation.NONE).sum().backward();
        Tensor x2 = x.detach().requiresGrad(true);
        Tensor w2 = w.detach().requiresGrad(true);
        Tensor b2 = b.detach().requiresGrad(true);
        x2.matmul(w2.t()).add(b2).sum().backward();
        assertSame(x.grad(), x2.grad());
        assertSame(w.grad(), w2.grad());
        assertSame(b.grad(), b2.grad());
    }

    /**
     * A weight's first gradient is the rule's own array, kept as .grad without a copy: a second
     * pass must add to it, and a tensor a hook kept must not change under later passes.
     */
    @Test
    void keptLeafGradientsAccumulateAndAreNotShared() {
        Tensor x = randn(20, 6, 5);
        Tensor w = randn(21, 4, 5);
        Tensor b = randn(22, 4);
        Functional.linear(x, w, b, Activation.GELU).sum().backward();
        float[] once = w.grad().toArray();
        float[] onceBias = b.grad().toArray();
        Functional.linear(x, w, b, Activation.GELU).sum().backward();
        float[] twice = w.grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertThat(twice[i]).isCloseTo(2 * once[i], within(1e-5f * Math.max(1f, Math.abs(once[i]))));
        }
        assertThat(b.grad().toArray()[0]).isCloseTo(2 * onceBias[0], within(1e-5f));

        Tensor w2 = randn(23, 4, 5);
        Tensor[] seen = new Tensor[1];
        w2.registerHook(g -> {
            if (seen[0] == null) {
                seen[0] = g; // the first pass's gradient, kept
            }
            return null;
        });
        Functional.linear(x, w2, null, Activation.NONE).sum().backward();
        float[] first = seen[0].toArray();
        Functional.linear(x, w2, null, Activation.NONE).sum().backward();
        assertThat(seen[0].toArray()).containsExactly(first);
        assertThat(w2.grad().toArray()[0]).isCloseTo(2 * first[0], within(1e-5f * Math.max(1f, Math.abs(first[0]))));
    }

    @Test
    void linearConcatOfSeveralMaps() {
        check("linearConcat", in -> Functional.linearConcat(in[0], new Tensor[] {in[1], in[2], in[3]}, new Tensor[] {in[4], null, in[5]}),
                randn(30, 2, 3, 5), randn(31, 4, 5), randn(32, 3, 5), randn(33, 25, 5), randn(34, 4), randn(35, 25));
        Tensor x = Tensor.randn(36, 29, 48);
        Tensor w1 = Tensor.randn(37, 48, 48);
        Tensor w2 = Tensor.randn(38, 24, 48);
        Tensor b1 = Tensor.randn(39, 48);
        Tensor b2 = Tensor.randn(40, 24);
        assertSame(Functional.linearConcat(x, new Tensor[] {w1, w2}, new Tensor[] {b1, b2}),
                Tensor.concat(1, x.matmul(w1.t()).add(b1), x.matmul(w2.t()).add(b2)));
    }

    @Test
    void linearMatchesMatmulPlusBiasThenActivation() {
        Tensor x = Tensor.randn(1, 37, 48);
        Tensor w = Tensor.randn(2, 70, 48);
        Tensor b = Tensor.randn(3, 70);
        assertSame(Functional.linear(x, w, b, Activation.GELU), x.matmul(w.t()).add(b).gelu());
        assertSame(Functional.linear(x, w, b, Activation.RELU), x.matmul(w.t()).add(b).relu());
        assertSame(Functional.linear(x.t().t(), w, null, Activation.NONE), x.matmul(w.t()));
    }

    @Test
    void addLayerNorm() {
        check("addLayerNorm", in -> Functional.addLayerNorm(in[0], in[1], in[2], in[3], 1e-5f),
                randn(1, 3, 8), randn(2, 3, 8), randn(3, 8), randn(4, 8));
        Tensor x = Tensor.randn(5, 20, 64);
        Tensor r = Tensor.randn(6, 20, 64);
        Tensor g = Tensor.randn(7, 64);
        Tensor b = Tensor.randn(8, 64);
        assertSame(Functional.addLayerNorm(x, r, g, b, 1e-12f), x.add(r).layerNorm(g, b, 1e-12f));
        check("addLayerNorm wide", in -> Functional.addLayerNorm(in[0], in[1], in[2], in[3], 1e-5f),
                randn(9, 5, 19), randn(10, 5, 19), randn(11, 19), randn(12, 19));
    }

    /** Contiguous inputs that do not start their storage: read from where they start. */
    @Test
    void addLayerNormOfRowsInsideALargerTensor() {
        Tensor x = Tensor.randn(13, 9, 19).narrow(0, 3, 4);
        Tensor r = Tensor.randn(14, 7, 19).narrow(0, 1, 4);
        Tensor g = Tensor.randn(15, 19);
        Tensor b = Tensor.randn(16, 19);
        assertThat(x.isContiguous()).isTrue();
        assertSame(Functional.addLayerNorm(x, r, g, b, 1e-5f), x.add(r).layerNorm(g, b, 1e-5f));
    }

    @Test
    void packedAttentionOverSentencesOfDifferentLengths() {
        int[] starts = {0, 3, 4, 9};
        check("attention", in -> Functional.packedAttention(in[0], starts, 2, 0f, null), randn(9, 9, 3 * 8));
        check("attention with dropout", in -> Functional.packedAttention(in[0], starts, 2, 0.3f, new Random(5)),
                randn(10, 9, 3 * 8));
        // Sentences longer than a vector, not multiples of it: the softmax rule's vector body and tail.
        int[] longer = {0, 11, 13, 30};
        check("attention, longer sentences", in -> Functional.packedAttention(in[0], longer, 2, 0f, null), randn(17, 30, 3 * 4));
        check("attention, longer sentences with dropout", in -> Functional.packedAttention(in[0], longer, 2, 0.2f, new Random(6)),
                randn(18, 30, 3 * 4));
    }

    @Test
    void packedAttentionMatchesMaskedAttentionPerSentence() {
        int h = 16;
        int heads = 4;
        int d = h / heads;
        int[] starts = {0, 5, 7};
        Tensor qkv = Tensor.randn(11, 7, 3 * h);
        Tensor packed = Functional.packedAttention(qkv, starts, heads, 0f, null);
        for (int r = 0; r < 2; r++) {
            int len = starts[r + 1] - starts[r];
            Tensor rows = qkv.narrow(0, starts[r], len);
            Tensor q = rows.narrow(1, 0, h).reshape(len, heads, d).permute(1, 0, 2);
            Tensor k = rows.narrow(1, h, h).reshape(len, heads, d).permute(1, 2, 0);
            Tensor v = rows.narrow(1, 2 * h, h).reshape(len, heads, d).permute(1, 0, 2);
            Tensor ctx = q.matmul(k).mul((float) (1 / Math.sqrt(d))).softmax(-1).matmul(v).permute(1, 0, 2).reshape(len, h);
            assertSame(packed.narrow(0, starts[r], len), ctx);
        }
    }

    @Test
    void gatherAndScatterRows() {
        int[] index = {4, 0, 2, 0};
        check("gatherRows", in -> Functional.gatherRows(in[0], index), randn(12, 5, 3));
        check("scatterRows", in -> Functional.scatterRows(in[0], new int[] {3, 0, 5}, 6), randn(13, 3, 4));
    }
}
