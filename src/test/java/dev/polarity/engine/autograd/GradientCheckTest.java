package dev.polarity.engine.autograd;

import static dev.polarity.engine.autograd.GradCheck.check;
import static dev.polarity.engine.autograd.GradCheck.distinct;
import static dev.polarity.engine.autograd.GradCheck.positive;
import static dev.polarity.engine.autograd.GradCheck.randn;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.tensor.Shape;
import dev.polarity.engine.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every differentiable tensor op (nn-level ops are in GradientCheckNnTest). */
class GradientCheckTest {

    @Test
    void checkerCatchesAWrongRule() {
        Function wrong = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                ctx.saveForBackward(in[0]);
                return in[0].mul(in[0]);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor g) {
                return new Tensor[] {g.mul(ctx.saved(0)).mul(1.9f)}; // should be 2x
            }
        };
        assertThatThrownBy(() -> check("wrong square", x -> wrong.apply(x[0]), randn(1, 3, 2)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("disagree with finite differences");
    }

    @Nested
    class Broadcasting {
        @Test
        void addSameShapeRowAndBothSides() {
            check("add same", x -> x[0].add(x[1]), randn(1, 2, 3), randn(2, 2, 3));
            check("add row", x -> x[0].add(x[1]), randn(3, 2, 3), randn(4, 3));
            check("add both sides", x -> x[0].add(x[1]), randn(5, 2, 1, 4), randn(6, 3, 1));
            check("add scalar tensor", x -> x[0].add(x[1]), randn(7), randn(8, 2, 3));
            check("add float", x -> x[0].add(2.5f), randn(9, 2, 3));
        }

        @Test
        void subBothSidesAndScalar() {
            check("sub both sides", x -> x[0].sub(x[1]), randn(1, 3, 1), randn(2, 1, 4));
            check("sub scalar tensor", x -> x[0].sub(x[1]), randn(3, 2, 3), randn(4));
            check("sub float", x -> x[0].sub(1.5f), randn(5, 4));
        }

        @Test
        void mulBothSidesAndScalar() {
            check("mul same", x -> x[0].mul(x[1]), randn(1, 2, 3), randn(2, 2, 3));
            check("mul both sides", x -> x[0].mul(x[1]), randn(3, 2, 1, 3), randn(4, 4, 1));
            check("mul scalar tensor", x -> x[1].mul(x[0]), randn(5), randn(6, 3, 2));
            check("mul float", x -> x[0].mul(-3f), randn(7, 2, 2));
            check("square via mul", x -> x[0].mul(x[0]), randn(8, 5));
        }

        @Test
        void divBothSidesAndScalar() {
            check("div same", x -> x[0].div(x[1]), randn(1, 2, 3), positive(2, 2, 3));
            check("div both sides", x -> x[0].div(x[1]), randn(3, 1, 3), positive(4, 2, 1));
            check("div by scalar tensor", x -> x[0].div(x[1]), randn(5, 2, 3), positive(6));
            check("scalar tensor over", x -> x[0].div(x[1]), randn(7), positive(8, 2, 3));
            check("div float", x -> x[0].div(4f), randn(9, 3));
        }

        @Test
        void nonContiguousOperands() {
            check("mul transposed", x -> x[0].t().mul(x[1]), randn(1, 3, 2), randn(2, 2, 3));
            check("add expanded", x -> x[0].expand(2, 3, 4).add(x[1].permute(2, 0, 1)), randn(3, 3, 1), randn(4, 3, 4, 2));
        }
    }

    @Nested
    class Unary {
        @Test
        void negAndPow() {
            check("neg", x -> x[0].neg(), randn(1, 2, 3));
            check("pow 2", x -> x[0].pow(2f), randn(2, 2, 3));
            check("pow 3", x -> x[0].pow(3f), randn(3, 4));
            check("pow 0.5", x -> x[0].pow(0.5f), positive(4, 4));
            check("pow -1.5", x -> x[0].pow(-1.5f), positive(5, 4));
        }

        @Test
        void expLogSqrt() {
            check("exp", x -> x[0].exp(), randn(1, 2, 3));
            check("log", x -> x[0].log(), positive(2, 2, 3));
            check("sqrt", x -> x[0].sqrt(), positive(3, 2, 3));
        }

        @Test
        void activations() {
            check("tanh", x -> x[0].tanh(), randn(1, 2, 4));
            check("relu", x -> x[0].relu(), distinct(2, 3, 4));
            check("gelu", x -> x[0].gelu(), randn(3, 3, 4).mul(2f).detach().requiresGrad(true));
            check("sigmoid", x -> x[0].sigmoid(), randn(4, 3, 4).mul(2f).detach().requiresGrad(true));
        }

        @Test
        void unaryOnNonContiguousInput() {
            check("exp of transpose", x -> x[0].t().exp(), randn(1, 2, 3));
            check("gelu of narrow", x -> x[0].narrow(1, 1, 2).gelu(), randn(2, 3, 4));
        }
    }

    @Nested
    class MatMul {
        @Test
        void twoD() {
            check("matmul 2d", x -> x[0].matmul(x[1]), randn(1, 3, 4), randn(2, 4, 5));
            check("matmul vector-like", x -> x[0].matmul(x[1]), randn(3, 1, 4), randn(4, 4, 1));
        }

        @Test
        void batched() {
            check("bmm 3d x 3d", x -> x[0].matmul(x[1]), randn(1, 2, 3, 4), randn(2, 2, 4, 5));
            check("bmm 3d x 2d", x -> x[0].matmul(x[1]), randn(3, 2, 3, 4), randn(4, 4, 5));
            check("bmm 2d x 3d", x -> x[0].matmul(x[1]), randn(5, 3, 4), randn(6, 2, 4, 5));
            check("bmm broadcast batch", x -> x[0].matmul(x[1]), randn(7, 2, 1, 3, 4), randn(8, 3, 4, 2));
            check("bmm broadcast size-1 batch", x -> x[0].matmul(x[1]), randn(9, 1, 3, 4), randn(10, 2, 4, 2));
        }

        @Test
        void transposedRightSide() {
            check("x w^T", x -> x[0].matmul(x[1].t()), randn(1, 3, 4), randn(2, 5, 4));
            check("3d x w^T", x -> x[0].matmul(x[1].t()), randn(3, 2, 3, 4), randn(4, 5, 4));
            check("q k^T", x -> x[0].matmul(x[1].transpose(-2, -1)), randn(5, 2, 3, 4), randn(6, 2, 3, 4));
            check("transposed left", x -> x[0].t().matmul(x[1]), randn(7, 4, 3), randn(8, 4, 2));
        }
    }

    @Nested
    class ViewOps {
        @Test
        void reshapeAndView() {
            check("reshape", x -> x[0].reshape(3, -1), randn(1, 2, 3, 2));
            check("reshape of transpose", x -> x[0].t().reshape(6).mul(x[1]), randn(2, 2, 3), randn(3, 6));
            check("view", x -> x[0].view(2, 6).exp(), randn(4, 3, 4));
        }

        @Test
        void transposeAndPermute() {
            check("transpose", x -> x[0].transpose(0, 2).mul(x[1]), randn(1, 2, 3, 4), randn(2, 4, 3, 2));
            check("permute", x -> x[0].permute(1, 2, 0).mul(x[1]), randn(3, 2, 3, 4), randn(4, 3, 4, 2));
        }

        @Test
        void narrowSliceSelect() {
            check("narrow", x -> x[0].narrow(1, 1, 2), randn(1, 3, 4));
            check("slice", x -> x[0].slice(0, 1, 3).tanh(), randn(2, 4, 2));
            check("select", x -> x[0].select(1, 2).mul(x[0].select(1, 0)), randn(3, 2, 3, 2));
        }

        @Test
        void unsqueezeSqueezeExpand() {
            check("unsqueeze", x -> x[0].unsqueeze(1).mul(x[1]), randn(1, 2, 3), randn(2, 2, 4, 3));
            check("squeeze", x -> x[0].squeeze(1).exp(), randn(3, 3, 1, 2));
            check("expand", x -> x[0].expand(2, 3, 4).sigmoid(), randn(4, 3, 1));
            check("expand leading", x -> x[0].expand(3, 2), randn(5, 2));
        }

        @Test
        void contiguousAndConcat() {
            check("contiguous", x -> x[0].t().contiguous().mul(x[1]), randn(1, 3, 2), randn(2, 2, 3));
            check("copy (clone)", x -> x[0].copy().mul(x[0]), randn(8, 2, 3));
            check("concat dim 0", x -> Tensor.concat(0, x[0], x[1]).exp(), randn(3, 1, 3), randn(4, 2, 3));
            check("concat dim 1 non-contiguous", x -> Tensor.concat(1, x[0].t(), x[1]), randn(5, 2, 3), randn(6, 3, 1));
            check("concat same tensor twice", x -> Tensor.concat(-1, x[0], x[0]), randn(7, 2, 2));
        }
    }

    @Nested
    class Reductions {
        @Test
        void sumAndMeanOverAll() {
            check("sum all", x -> x[0].sum(), randn(1, 2, 3));
            check("mean all", x -> x[0].mean(), randn(2, 2, 3));
            check("sum all of transpose", x -> x[0].t().mul(x[0].t()).sum(), randn(3, 3, 2));
        }

        @Test
        void sumAndMeanOverADim() {
            for (boolean keep : new boolean[] {true, false}) {
                check("sum dim 0 keep=" + keep, x -> x[0].sum(0, keep), randn(1, 2, 3, 4));
                check("sum dim 1 keep=" + keep, x -> x[0].sum(1, keep), randn(2, 2, 3, 4));
                check("sum dim -1 keep=" + keep, x -> x[0].sum(-1, keep).exp(), randn(3, 2, 3, 4));
                check("mean dim 1 keep=" + keep, x -> x[0].mean(1, keep), randn(4, 2, 3, 4));
                check("mean dim -1 keep=" + keep, x -> x[0].mean(-1, keep).mul(x[1]), randn(5, 2, 3), randn(6, 2, keep ? 1 : 2));
            }
        }

        @Test
        void maxOverADim() {
            check("max dim 0", x -> x[0].max(0, false), distinct(1, 3, 4));
            check("max dim 1 keep", x -> x[0].max(1, true), distinct(2, 2, 3, 4));
            check("max last", x -> x[0].max(-1, false), distinct(3, 2, 3, 4));
        }

        @Test
        void sumTo() {
            check("sumTo [3, 1]", x -> x[0].sumTo(Shape.of(3, 1)), randn(1, 2, 3, 4));
            check("sumTo [1, 4]", x -> x[0].sumTo(Shape.of(1, 4)), randn(2, 3, 4));
            check("sumTo [4]", x -> x[0].sumTo(Shape.of(4)), randn(3, 2, 3, 4));
            check("sumTo []", x -> x[0].sumTo(Shape.of()), randn(4, 2, 3));
        }
    }
}
