package dev.polarity.engine.autograd.conformance;

import static dev.polarity.engine.autograd.conformance.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.autograd.Autograd;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** torch.autograd.grad, backward with several roots or an inputs subset: cases ported from PyTorch's test/test_autograd.py. */
class GradApiConformanceTest {
    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(seed, shape).requiresGrad(true);
    }

    /** z = x^2 + y x + y^2, the function of test_grad, test_grad_nonleaf and test_backward_with_inputs. */
    private static Tensor fn(Tensor x, Tensor y) {
        return x.pow(2f).add(y.mul(x)).add(y.pow(2f));
    }

    @Test
    void test_grad() {
        Tensor x = leaf(1, 2, 2);
        Tensor y = leaf(2, 2, 2);
        Tensor z = fn(x, y);
        List<Tensor> g = Autograd.grad(List.of(z), List.of(x, y), List.of(Tensor.ones(2, 2)), true);
        assertClose(g.get(0), x.mul(2f).add(y));
        assertClose(g.get(1), x.add(y.mul(2f)));
        assertThat(x.grad()).as("grad() touches no .grad").isNull();
        assertThat(y.grad()).isNull();
        z.backward(Tensor.ones(2, 2));
        assertClose(x.grad(), x.mul(2f).add(y));
        assertClose(y.grad(), x.add(y.mul(2f)));
    }

    @Test
    void test_grad_nonleaf() {
        Tensor xInit = leaf(3, 2, 2);
        Tensor y = leaf(4, 2, 2);
        Tensor x = xInit;
        for (int i = 0; i < 5; i++) {
            Tensor gradX = Autograd.grad(List.of(fn(x, y)), List.of(x), List.of(Tensor.ones(2, 2)), false).get(0);
            assertThat(y.grad()).isNull();
            assertThat(xInit.grad()).isNull();
            assertClose(gradX, x.mul(2f).add(y));
            x = x.add(gradX.mul(0.05f)); // x is no leaf from here on
        }
        float before = GradMode.noGrad(() -> fn(xInit, y).sum().item());
        Tensor xFinal = x;
        assertThat(GradMode.noGrad(() -> fn(xFinal, y).sum().item())).isGreaterThan(before);
        x.backward(Tensor.ones(2, 2));
        assertClose(xInit.grad(), Tensor.ones(2, 2)); // the steps were taken without a graph (no createGraph)
    }

    @Test
    void test_grad_unreachable() {
        Tensor x = Tensor.ones(1).requiresGrad(true);
        Tensor y = Tensor.ones(1).requiresGrad(true);
        List<Tensor> g = Autograd.grad(List.of(x.mul(2f)), List.of(x, y), null, false, true);
        assertClose(g.get(0), Tensor.full(2f, 1));
        assertThat(g.get(1)).isNull();
        assertThatThrownBy(() -> Autograd.grad(List.of(x.mul(2f)), List.of(x, y), null, false))
                .hasMessageContaining("was not used").hasMessageContaining("allowUnused");
    }

    @Test
    void gradOfANonLeafIsTheWholeGradientFlowingIntoIt() {
        // What explanations need: d out / d embeddings, where the embeddings are an intermediate tensor.
        Tensor w = leaf(5, 3, 3);
        Tensor h = w.mul(3f);
        Tensor out = h.mul(h).sum().add(h.sum());
        Tensor gh = Autograd.grad(out, h);
        assertClose(gh, h.mul(2f).add(1f));
        assertThat(w.grad()).isNull();
    }

    @Test
    void test_multi_backward() {
        Tensor x = leaf(1, 5, 5);
        Tensor y = leaf(2, 5, 5);
        Tensor q = leaf(3, 5, 5);
        Tensor a = leaf(4, 5, 5);
        Tensor b = leaf(5, 5, 5);
        Tensor q2 = q.mul(2f);
        Tensor z = x.add(y).add(q2);
        Tensor c = a.mul(b).add(q2);
        Tensor gradZ = Tensor.randn(6, 5, 5);
        Tensor gradC = Tensor.randn(7, 5, 5);
        Autograd.backward(List.of(z, c), List.of(gradZ, gradC), false, null);
        assertClose(x.grad(), gradZ);
        assertClose(y.grad(), gradZ);
        assertClose(a.grad(), gradC.mul(b));
        assertClose(b.grad(), gradC.mul(a));
        assertClose(q.grad(), gradC.add(gradZ).mul(2f));
    }

    @Test
    void test_backward_with_inputs() {
        Tensor x = leaf(1, 2, 2);
        Tensor y = leaf(2, 2, 2);
        Tensor ones = Tensor.ones(2, 2);
        Autograd.backward(List.of(fn(x, y)), List.of(ones), false, List.of(x, y));
        assertClose(x.grad(), x.mul(2f).add(y));
        assertClose(y.grad(), x.add(y.mul(2f)));
        x.zeroGrad();
        y.zeroGrad();
        Autograd.backward(List.of(fn(x, y)), List.of(ones), false, List.of(x));
        assertClose(x.grad(), x.mul(2f).add(y));
        assertThat(y.grad()).isNull();
        x.zeroGrad();
        Autograd.backward(List.of(fn(x, y)), List.of(ones), false, List.of(y));
        assertClose(y.grad(), x.add(y.mul(2f)));
        assertThat(x.grad()).isNull();
        assertThatThrownBy(() -> Autograd.backward(List.of(fn(x, y)), List.of(ones), false, List.of()))
                .hasMessageContaining("must not be empty");
    }

    @Test
    void test_backward_with_nonleaf_inputs() {
        Tensor x = leaf(1, 2, 2);
        Tensor xNonLeaf = x.mul(1f);
        Tensor y = leaf(2, 2, 2);
        Tensor z = leaf(3, 2, 2);
        Tensor out = fn(xNonLeaf, y);
        Autograd.backward(List.of(out), List.of(Tensor.ones(2, 2)), true, List.of(x, y, xNonLeaf));
        assertClose(y.grad(), x.add(y.mul(2f)));
        assertClose(x.grad(), x.mul(2f).add(y));
        assertClose(xNonLeaf.grad(), xNonLeaf.mul(2f).add(y));
        // backward has no allowUnused: a tensor outside the graph simply gets no gradient
        Autograd.backward(List.of(out), List.of(Tensor.ones(2, 2)), false, List.of(z));
        assertThat(z.grad()).isNull();
    }

    @Test
    void test_backward_twice_with_saved_values() {
        Tensor b = leaf(1, 3);
        Tensor c = b.mul(b);
        c.backward(Tensor.ones(3));
        assertThatThrownBy(() -> c.backward(Tensor.ones(3))).hasMessageContaining("retainGraph");
    }

    @Test
    void test_backward_twice_retained_graph_with_saved_values() {
        Tensor b = leaf(1, 3);
        Tensor c = b.mul(b);
        c.backward(Tensor.ones(3), true);
        c.backward(Tensor.ones(3));
        assertClose(b.grad(), b.mul(4f));
    }

    @Test
    void test_backward_twice_without_saved_values() {
        Tensor b = leaf(1, 3);
        Tensor c = b.add(1f);
        c.backward(Tensor.ones(3));
        c.backward(Tensor.ones(3));
        assertClose(b.grad(), Tensor.full(2f, 3));
    }

    @Test
    void test_retain_grad() {
        Tensor input = Tensor.rand(1, 1, 3).requiresGrad(true);
        Tensor h1 = input.mul(3f);
        Tensor out = h1.mul(h1).sum();
        h1.retainGrad();
        h1.retainGrad(); // may be called more than once
        out.backward(null, true);
        assertClose(h1.grad(), h1.mul(2f));
        out.backward(null, true);
        assertClose(h1.grad(), h1.mul(4f)); // accumulated
        input.zeroGrad();
        input.retainGrad(); // a no-op for leaves
        out.backward();
        assertClose(input.grad(), input.mul(18f));
        assertThatThrownBy(() -> Tensor.ones(2).retainGrad()).hasMessageContaining("does not require grad");
    }

    @Test
    void test_hooks() {
        Tensor x = Tensor.ones(5, 5).requiresGrad(true);
        Tensor y = Tensor.ones(5, 5).mul(4f).requiresGrad(true);
        int[] counter = {0};
        Tensor z = x.pow(2f).add(x.mul(2f)).add(x.mul(y)).add(y);
        x.registerHook(g -> {
            counter[0] += 0;
            return null;
        });
        Autograd.RemovableHandle test = z.registerHook(g -> {
            counter[0] += 1;
            return null;
        });
        z.backward(Tensor.ones(5, 5), true);
        assertThat(counter[0]).isEqualTo(1);
        Autograd.RemovableHandle test2 = z.registerHook(g -> {
            counter[0] += 2;
            return null;
        });
        z.backward(Tensor.ones(5, 5), true);
        assertThat(counter[0]).isEqualTo(4);
        test2.remove();
        z.backward(Tensor.ones(5, 5), true);
        assertThat(counter[0]).isEqualTo(5);
        test.remove();
        z.registerHook(g -> g.mul(2f));
        y.zeroGrad();
        z.backward(Tensor.ones(5, 5), true);
        assertClose(y.grad(), x.add(1f).mul(2f));
        y.registerHook(g -> g.mul(2f));
        y.zeroGrad();
        z.backward(Tensor.ones(5, 5));
        assertClose(y.grad(), x.add(1f).mul(4f));
    }

    @Test
    void aLeafHookSeesTheWholeGradientOnceAPass() {
        // PyTorch's AccumulateGrad sums the edges into a leaf before its pre-hooks run.
        Tensor x = Tensor.ones(3).requiresGrad(true);
        float[][] seen = new float[2][];
        int[] calls = {0};
        x.registerHook(g -> {
            seen[calls[0]++] = g.toArray();
            return null;
        });
        x.mul(2f).add(x.mul(3f)).sum().backward();
        assertThat(calls[0]).isEqualTo(1);
        assertThat(seen[0]).containsExactly(5f, 5f, 5f);
        assertThatThrownBy(() -> Tensor.ones(2).registerHook(g -> g)).hasMessageContaining("does not require grad");
    }

    @Test
    void gradOfSeveralOutputsSumsTheirContributions() {
        Tensor x = leaf(8, 4);
        Tensor a = x.mul(2f).sum();
        Tensor b = x.mul(x).sum();
        Tensor g = Autograd.grad(Arrays.asList(a, b), List.of(x), null, false).get(0);
        assertClose(g, x.mul(2f).add(2f));
    }
}
