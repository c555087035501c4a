package dev.polarity.engine.autograd;

import static dev.polarity.engine.autograd.GradCheck.check;
import static dev.polarity.engine.autograd.GradCheck.positive;
import static dev.polarity.engine.autograd.GradCheck.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.nn.BatchNorm1d;
import dev.polarity.engine.nn.Linear;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the fused nn ops, layers, user-defined functions and an attention block. */
class GradientCheckNnTest {

    @Test
    void softmaxOverLastAndNonLastDims() {
        check("softmax last", x -> x[0].softmax(-1), randn(1, 3, 4));
        check("softmax dim 0", x -> x[0].softmax(0), randn(2, 3, 4));
        check("softmax middle of 3d", x -> x[0].softmax(1), randn(3, 2, 3, 4));
        check("softmax of transpose", x -> x[0].t().softmax(-1), randn(4, 3, 2));
    }

    @Test
    void logSoftmaxOverLastAndNonLastDims() {
        check("logSoftmax last", x -> x[0].logSoftmax(-1), randn(1, 3, 4));
        check("logSoftmax dim 0", x -> x[0].logSoftmax(0), randn(2, 3, 4));
        check("logSoftmax middle of 3d", x -> x[0].logSoftmax(1), randn(3, 2, 3, 4));
    }

    @Test
    void layerNormWithAndWithoutAffine() {
        check("layerNorm x, weight, bias", x -> x[0].layerNorm(x[1], x[2], 1e-5f), randn(1, 2, 3, 5), randn(2, 5), randn(3, 5));
        check("layerNorm no affine", x -> x[0].layerNorm(null, null, 1e-5f), randn(4, 3, 6));
        check("layerNorm of transpose", x -> x[0].t().layerNorm(x[1], null, 1e-5f), randn(5, 4, 3), randn(6, 4));
    }

    @Test
    void embeddingWithRepeatedIds() {
        int[] ids = {1, 3, 1, 0, 1, 4};
        check("embedding", x -> Functional.embedding(x[0], ids, 2, 3), randn(1, 5, 3));
        // A tiny check of accumulation: row 1 is used three times, row 2 never.
        Tensor w = randn(2, 5, 3);
        Functional.embedding(w, ids, 2, 3).sum().backward();
        assertThat(w.grad().get(1, 0)).isEqualTo(3f);
        assertThat(w.grad().get(2, 0)).isEqualTo(0f);
    }

    @Test
    void maskedFill() {
        Tensor mask = Tensor.fromArray(new float[] {1, 0, 0, 1}, 1, 4);
        check("maskedFill", x -> x[0].maskedFill(mask, -7f).tanh(), randn(1, 3, 4));
        Tensor full = Tensor.fromArray(new float[] {0, 1, 0, 0, 0, 1}, 2, 3);
        check("maskedFill same shape", x -> x[0].maskedFill(full, 0f), randn(2, 2, 3));
    }

    @Test
    void dropoutWithAFixedMaskScalesGradients() {
        check("dropout", x -> Functional.dropout(x[0], 0.4f, true, new Random(11)), randn(1, 4, 5));
        Tensor x = Tensor.ones(4, 5).requiresGrad(true);
        Tensor y = Functional.dropout(x, 0.4f, true, new Random(11));
        y.sum().backward();
        float[] kept = y.toArray();
        float[] g = x.grad().toArray();
        int zeros = 0;
        for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).isEqualTo(kept[i]); // x is all ones, so y is the mask itself
            assertThat(g[i]).satisfiesAnyOf(v -> assertThat(v).isEqualTo(0f), v -> assertThat(v).isCloseTo(1f / 0.6f, within(1e-6f)));
            zeros += g[i] == 0f ? 1 : 0;
        }
        assertThat(zeros).isBetween(1, 19);
    }

    @Test
    void nllLossAndCrossEntropy() {
        int[] targets = {2, 0, 1, 2};
        check("nllLoss", x -> Functional.nllLoss(x[0], targets), randn(1, 4, 3));
        check("nllLoss of logSoftmax", x -> Functional.nllLoss(x[0].logSoftmax(1), targets), randn(2, 4, 3));
        check("crossEntropy", x -> Functional.crossEntropy(x[0], targets), randn(3, 4, 3));
        check("crossEntropy scaled logits", x -> Functional.crossEntropy(x[0].mul(x[1]), targets), randn(4, 4, 3), positive(5));
        check("symmetricKl", x -> Functional.symmetricKl(x[0], x[1]), randn(6, 4, 3), randn(7, 4, 3));
        check("symmetricKl of halves", x -> Functional.symmetricKl(x[0].narrow(0, 0, 2), x[0].narrow(0, 2, 2)), randn(8, 4, 2));
        Tensor soft = randn(9, 4, 3).softmax(1);
        check("softCrossEntropy", x -> Functional.softCrossEntropy(x[0], soft), randn(10, 4, 3));
        check("softCrossEntropy of softened logits", x -> Functional.softCrossEntropy(x[0].mul(0.5f), soft), randn(11, 4, 3));
    }

    @Test
    void userDefinedFunctions() {
        Function cube = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                ctx.saveForBackward(in[0]);
                return in[0].mul(in[0]).mul(in[0]);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor g) {
                Tensor x = ctx.saved(0);
                return new Tensor[] {g.mul(x.mul(x)).mul(3f)};
            }
        };
        check("Function cube", x -> cube.apply(x[0]), randn(1, 2, 3));
        check("Function inside a graph", x -> cube.apply(x[0].tanh()).mul(x[1]), randn(2, 2, 3), randn(3, 3));

        Function scaledProduct = new Function() { // f(a, b) = a * b * k, with k kept in the context
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                ctx.saveForBackward(in[0], in[1]);
                ctx.put("k", 2.5f);
                return in[0].mul(in[1]).mul(2.5f);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor g) {
                float k = ctx.get("k");
                return new Tensor[] {g.mul(ctx.saved(1)).mul(k), g.mul(ctx.saved(0)).mul(k)};
            }
        };
        check("Function two inputs", x -> scaledProduct.apply(x[0], x[1]), randn(4, 3, 2), randn(5, 3, 2));
    }

    @Test
    void linearLayer() {
        Linear lin = new Linear(4, 3, new Random(1));
        check("Linear 2d", x -> lin.forward(x[0]), randn(1, 5, 4), lin.weight(), lin.bias());
        check("Linear 3d", x -> lin.forward(x[0]), randn(2, 2, 3, 4), lin.weight(), lin.bias());
        Linear noBias = new Linear(4, 2, false, new Random(2));
        check("Linear no bias", x -> noBias.forward(x[0]).gelu(), randn(3, 3, 4), noBias.weight());
    }

    @Test
    void batchNormInTrainMode() {
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.train();
        Tensor weight = bn.namedParameters().get("weight");
        Tensor bias = bn.namedParameters().get("bias");
        Random r = new Random(5);
        weight.detach().copy_(Tensor.rand(r, 3).add(0.5f)); // away from the trivial 1 and 0
        bias.detach().copy_(Tensor.randn(r, 3));
        check("BatchNorm1d train", x -> bn.forward(x[0]), randn(1, 5, 3), weight, bias);
    }

    @Test
    void maskedMultiHeadAttentionBlock() {
        int b = 2;
        int t = 3;
        int d = 4;
        int heads = 2;
        int dh = d / heads;
        // Batch 0 sees all three tokens; batch 1 masks its last token (padding).
        Tensor keep = Tensor.fromArray(new float[] {1, 1, 1, 1, 1, 0}, b, 1, 1, t);
        Tensor mask = Functional.additiveMask(keep);
        GradCheck.Op attention = x -> {
            Tensor in = x[0];
            Tensor q = split(in.matmul(x[1].t()), b, t, heads, dh);
            Tensor k = split(in.matmul(x[2].t()), b, t, heads, dh);
            Tensor v = split(in.matmul(x[3].t()), b, t, heads, dh);
            Tensor scores = q.matmul(k.transpose(-2, -1)).div((float) Math.sqrt(dh)).add(mask);
            Tensor ctx = scores.softmax(-1).matmul(v); // [b, heads, t, dh]
            Tensor merged = ctx.permute(0, 2, 1, 3).reshape(b, t, d);
            return merged.matmul(x[4].t()).add(in); // output projection plus residual
        };
        check("masked attention", attention, randn(1, b, t, d), scaled(2, d, d), scaled(3, d, d), scaled(4, d, d), scaled(5, d, d));
    }

    private static Tensor split(Tensor x, int b, int t, int heads, int dh) {
        return x.reshape(b, t, heads, dh).permute(0, 2, 1, 3);
    }

    private static Tensor scaled(long seed, int... shape) {
        return Tensor.randn(seed, shape).mul(0.5f).detach().requiresGrad(true);
    }
}
