package dev.polarity.engine.autograd;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.nn.BatchNorm1d;
import dev.polarity.engine.nn.Dropout;
import dev.polarity.engine.nn.Linear;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.nn.Sequential;
import dev.polarity.engine.optim.AdamW;
import dev.polarity.engine.optim.Optimizer;
import dev.polarity.engine.optim.SGD;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One test per promise of the grad-mode contract (docs/design.md, "The grad-mode contract"; issue 2). */
class GradModeContractTest {

    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(seed, shape).requiresGrad(true);
    }

    private static boolean recordsOnThisThread() {
        Tensor w = leaf(1, 2);
        return w.mul(w).gradFn() != null;
    }

    @AfterEach
    void gradModeIsBackToDefault() {
        assertThat(GradMode.isGradEnabled()).as("a test leaked a grad-mode scope").isTrue();
        assertThat(GradMode.isInferenceMode()).isFalse();
    }

    @Test
    void aScopeOnOneThreadLeavesAnotherThreadUntouchedWhileBothRun() throws Exception {
        CyclicBarrier inside = new CyclicBarrier(2);
        CyclicBarrier leaving = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<boolean[]> quiet = pool.submit(() -> {
                try (GradMode.Scope s = GradMode.noGrad()) {
                    inside.await(30, SECONDS);
                    boolean[] seen = {GradMode.isGradEnabled(), recordsOnThisThread()};
                    leaving.await(30, SECONDS); // the other thread has looked while this scope was open
                    return seen;
                }
            });
            Future<boolean[]> loud = pool.submit(() -> {
                inside.await(30, SECONDS); // the other thread is now inside its noGrad scope
                boolean[] seen = {GradMode.isGradEnabled(), recordsOnThisThread()};
                leaving.await(30, SECONDS);
                return seen;
            });
            assertThat(quiet.get(30, SECONDS)).containsExactly(false, false);
            assertThat(loud.get(30, SECONDS)).containsExactly(true, true);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThreadStartedInsideAScopeStartsWithGradEnabled() throws Exception {
        AtomicBoolean childSaw = new AtomicBoolean();
        try (GradMode.Scope s = GradMode.noGrad()) {
            Thread child = new Thread(() -> childSaw.set(GradMode.isGradEnabled() && recordsOnThisThread()));
            child.start();
            child.join();
            assertThat(GradMode.isGradEnabled()).isFalse();
        }
        assertThat(childSaw).isTrue();
    }

    @Test
    void enableGradInsideNoGradRecordsAndClosingRestoresNoGrad() {
        try (GradMode.Scope outer = GradMode.noGrad()) {
            assertThat(recordsOnThisThread()).isFalse();
            try (GradMode.Scope inner = GradMode.enableGrad()) {
                assertThat(GradMode.isGradEnabled()).isTrue();
                assertThat(recordsOnThisThread()).isTrue();
            }
            assertThat(GradMode.isGradEnabled()).isFalse();
            assertThat(recordsOnThisThread()).isFalse();
        }
        assertThat(GradMode.isGradEnabled()).isTrue();
    }

    @Test
    void noGradInsideEnableGradDoesNotRecordAndClosingRestoresGrad() {
        try (GradMode.Scope outer = GradMode.enableGrad()) {
            try (GradMode.Scope inner = GradMode.noGrad()) {
                assertThat(recordsOnThisThread()).isFalse();
            }
            assertThat(recordsOnThisThread()).isTrue();
        }
    }

    @Test
    void setGradEnabledAndSupplierFormsNestAndRestore() {
        try (GradMode.Scope off = GradMode.setGradEnabled(false)) {
            assertThat(GradMode.isGradEnabled()).isFalse();
            try (GradMode.Scope on = GradMode.setGradEnabled(true)) {
                assertThat(recordsOnThisThread()).isTrue();
            }
            assertThat(GradMode.isGradEnabled()).isFalse();
            assertThat(GradMode.enableGrad(GradModeContractTest::recordsOnThisThread)).isTrue();
            assertThat(GradMode.withGradEnabled(true, GradMode::isGradEnabled)).isTrue();
            assertThat(GradMode.isGradEnabled()).isFalse();
        }
        assertThat(GradMode.noGrad(GradModeContractTest::recordsOnThisThread)).isFalse();
        assertThat(GradMode.withGradEnabled(false, GradMode::isGradEnabled)).isFalse();
        assertThat(GradMode.noGrad(() -> GradMode.enableGrad(GradMode::isGradEnabled))).isTrue();
        assertThat(GradMode.isGradEnabled()).isTrue();
    }

    @Test
    void anExceptionInsideAScopeRestoresThePreviousState() {
        assertThatThrownBy(() -> {
            try (GradMode.Scope s = GradMode.noGrad()) {
                throw new IllegalStateException("boom");
            }
        }).hasMessage("boom");
        assertThat(GradMode.isGradEnabled()).isTrue();

        try (GradMode.Scope outer = GradMode.noGrad()) {
            assertThatThrownBy(() -> GradMode.enableGrad(() -> {
                throw new IllegalArgumentException("inner");
            })).hasMessage("inner");
            assertThat(GradMode.isGradEnabled()).as("back to the outer noGrad, not the default").isFalse();
        }
        assertThatThrownBy(() -> GradMode.inferenceMode(() -> {
            throw new IllegalArgumentException("inference");
        })).hasMessage("inference");
        assertThat(GradMode.isInferenceMode()).isFalse();
    }

    @Test
    void aScopeMustBeClosedOnItsOwnThreadAndClosingTwiceIsHarmless() throws Exception {
        GradMode.Scope s = GradMode.noGrad();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                s.close();
            } catch (Throwable t) {
                error.set(t);
            }
        });
        other.start();
        other.join();
        assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("thread that opened it");
        s.close();
        s.close();
        assertThat(GradMode.isGradEnabled()).isTrue();
    }

    @Test
    void resultsUnderNoGradNeitherRequireGradNorHaveANode() {
        Tensor x = leaf(1, 2, 3);
        Tensor w = leaf(2, 4, 3);
        Linear lin = new Linear(3, 2, new Random(3));
        Function square = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                return in[0].mul(in[0]);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor g) {
                throw new AssertionError("never called");
            }
        };
        long before = GraphStats.threadNodes();
        try (GradMode.Scope s = GradMode.noGrad()) {
            List<Tensor> results = List.of(x.add(x), x.mul(2f), x.exp(), x.gelu(), x.matmul(w.t()), x.t(), x.reshape(6),
                    x.sum(), x.mean(1, true), x.max(1, false), x.softmax(-1), x.logSoftmax(0), x.layerNorm(null, null, 1e-5f),
                    Functional.embedding(w, new int[] {0, 3}, 2), Functional.crossEntropy(x, new int[] {0, 2}),
                    Tensor.concat(0, x, x), x.narrow(1, 0, 2), x.expand(2, 2, 3), lin.forward(x), square.apply(x));
            for (Tensor r : results) {
                assertThat(r.requiresGrad()).as("requiresGrad of %s", r).isFalse();
                assertThat(r.gradFn()).as("gradFn of %s", r).isNull();
            }
        }
        assertThat(GraphStats.threadNodes()).isEqualTo(before);
        assertThat(x.requiresGrad()).isTrue();
    }

    @Test
    void parametersAndFactoriesKeepTheirFlagThroughScopes() {
        Tensor made;
        Parameter p;
        Linear lin;
        Tensor plain;
        try (GradMode.Scope s = GradMode.noGrad()) {
            made = Tensor.zeros(2, 2).requiresGrad(true);
            p = new Parameter(Tensor.ones(3));
            lin = new Linear(2, 2, new Random(1));
            plain = Tensor.ones(2);
            assertThat(made.requiresGrad()).isTrue();
            assertThat(p.requiresGrad()).isTrue();
        }
        assertThat(made.requiresGrad()).isTrue();
        assertThat(p.requiresGrad()).isTrue();
        assertThat(lin.parameters()).allSatisfy(q -> assertThat(q.requiresGrad()).isTrue());
        assertThat(plain.requiresGrad()).isFalse();
        assertThat(Tensor.ones(2).requiresGrad()).as("factories never require grad by themselves").isFalse();
        assertThat(new Parameter(Tensor.ones(2), false).requiresGrad()).isFalse();
        // And what was made inside the scope trains normally outside it.
        lin.forward(made).sum().backward();
        assertThat(made.grad()).isNotNull();
        assertThat(lin.weight().grad()).isNotNull();
    }

    @Test
    void backwardAfterAScopeEndedStillWorks() {
        Tensor x = leaf(1, 3);
        Tensor y = x.mul(x).sum(); // recorded before the scope
        try (GradMode.Scope s = GradMode.noGrad()) {
            x.exp().sum();
        }
        y.backward();
        assertThat(x.grad().toArray()).containsExactly(x.mul(2f).toArray());

        Tensor z = x.mul(3f).sum();
        try (GradMode.Scope s = GradMode.noGrad()) {
            x.zeroGrad();
            z.backward(); // backward itself may run under noGrad, as in PyTorch
        }
        assertThat(x.grad().toArray()).containsExactly(3f, 3f, 3f);
    }

    @Test
    void inferenceModeImpliesNoGradAndItsTensorsAreRefusedByRecordedOps() {
        Tensor w = leaf(1, 3);
        Tensor made;
        try (GradMode.Scope s = GradMode.inferenceMode()) {
            assertThat(GradMode.isGradEnabled()).isFalse();
            assertThat(GradMode.isInferenceMode()).isTrue();
            made = Tensor.ones(3).add(1f);
            Tensor r = w.mul(w);
            assertThat(r.requiresGrad()).isFalse();
            assertThat(r.gradFn()).isNull();
            try (GradMode.Scope g = GradMode.enableGrad()) { // allowed, as in PyTorch, but still records nothing
                assertThat(GradMode.isGradEnabled()).isTrue();
                assertThat(GradMode.isRecording()).isFalse();
                assertThat(w.mul(w).gradFn()).isNull();
            }
            assertThat(GradMode.isInferenceMode()).isTrue();
        }
        assertThat(made.isInference()).isTrue();
        assertThat(Tensor.ones(3).isInference()).isFalse();
        assertThatThrownBy(() -> made.mul(w))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mul").hasMessageContaining("inference tensor").hasMessageContaining("[3]");
        assertThatThrownBy(() -> made.add_(Tensor.ones(3))).hasMessageContaining("inference tensor");
        assertThat(made.copy().mul(w).gradFn()).as("a copy made outside is an ordinary tensor").isNotNull();
    }

    @Test
    void evalChangesDropoutAndBatchNormButNeverGradMode() {
        Dropout drop = new Dropout(0.5f, new Random(1));
        BatchNorm1d bn = new BatchNorm1d(2);
        Linear lin = new Linear(2, 2, new Random(2));
        Sequential model = new Sequential(lin, bn, drop);
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 5, 7, 11}, 3, 2);
        Tensor linTrain = lin.forward(x);
        Tensor dropTrain = drop.forward(Tensor.ones(100));
        model.eval();
        assertThat(GradMode.isGradEnabled()).isTrue();
        assertThat(lin.forward(x).toArray()).containsExactly(linTrain.toArray());
        assertThat(drop.forward(Tensor.ones(100)).toArray()).isNotEqualTo(dropTrain.toArray()).containsOnly(1f);
        Tensor evalBn = bn.forward(x); // fresh running stats: mean 0, var 1
        assertThat(evalBn.get(0, 0)).isCloseTo((float) (1 / Math.sqrt(1 + 1e-5)), org.assertj.core.api.Assertions.within(1e-6f));
        // Gradient explanations: eval() with grad on still records.
        Tensor in = x.detach().requiresGrad(true);
        Tensor out = model.forward(in).sum();
        assertThat(out.gradFn()).isNotNull();
        out.backward();
        assertThat(in.grad()).isNotNull();
    }

    @Test
    void noGradNeverChangesTrainOrEval() {
        Dropout drop = new Dropout(0.5f, new Random(1));
        Sequential model = new Sequential(new Linear(2, 2, new Random(2)), drop);
        model.train();
        try (GradMode.Scope s = GradMode.noGrad()) {
            assertThat(model.isTraining()).isTrue();
            assertThat(drop.forward(Tensor.ones(100)).toArray()).contains(0f); // still dropping
        }
        model.eval();
        try (GradMode.Scope s = GradMode.enableGrad()) {
            assertThat(model.isTraining()).isFalse();
        }
        GradMode.noGrad(() -> model.train());
        assertThat(drop.isTraining()).isTrue();
        assertThat(GradMode.isGradEnabled()).isTrue();
    }

    @Test
    void detachSharesStorageAndIsUntrackedButIsNotNoGrad() {
        Tensor x = leaf(1, 2, 2);
        Tensor y = x.mul(2f);
        Tensor d = y.detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.gradFn()).isNull();
        assertThat(d.isLeaf()).isTrue();
        assertThat(d.storage()).isSameAs(y.storage());
        d.fill_(5f);
        assertThat(y.toArray()).containsOnly(5f);
        try (GradMode.Scope s = GradMode.noGrad()) {
            x.fill_(-1f);
        }
        assertThat(x.detach().toArray()).containsOnly(-1f);

        assertThat(GradMode.isGradEnabled()).as("detach() is not a mode switch").isTrue();
        Tensor w = leaf(2, 2, 2);
        Tensor z = x.detach().mul(w).add(x).sum();
        assertThat(z.gradFn()).isNotNull();
        z.backward();
        assertThat(w.grad().toArray()).containsOnly(-1f);
        assertThat(x.grad().toArray()).as("only the tracked branch reaches x").containsOnly(1f);
    }

    @Test
    void optimizerStepsRecordNothingAndLeaveParametersTrainable() {
        for (boolean adam : new boolean[] {false, true}) {
            Linear lin = new Linear(3, 2, new Random(1));
            Optimizer opt = adam ? new AdamW(lin.parameters(), 0.1f, 0.01f) : new SGD(lin.parameters(), 0.1f, 0.9f);
            float[] before = lin.weight().toArray();
            lin.forward(Tensor.randn(2, 4, 3)).pow(2f).sum().backward();
            long nodes = GraphStats.threadNodes();
            opt.step();
            assertThat(GraphStats.threadNodes()).as("nodes recorded by %s", opt).isEqualTo(nodes);
            assertThat(lin.weight().toArray()).isNotEqualTo(before);
            for (Parameter p : lin.parameters()) {
                assertThat(p.requiresGrad()).isTrue();
                assertThat(p.gradFn()).isNull();
            }
            assertThat(GradMode.isGradEnabled()).isTrue();
        }
    }

    @Test
    void secondBackwardThroughAFreedGraphFailsClearlyUnlessRetained() {
        Tensor x = leaf(1, 3);
        Tensor y = x.exp().sum();
        y.backward();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time").hasMessageContaining("retain");

        Tensor x2 = leaf(2, 3);
        Tensor y2 = x2.exp().sum();
        y2.backward(Tensor.scalar(1f), true);
        y2.backward(Tensor.scalar(1f), true);
        assertThat(x2.grad().toArray()).containsExactly(x2.exp().mul(2f).toArray());
    }

    @Test
    void inPlaceChangeOfASavedTensorIsDetected() {
        Tensor a = Tensor.randn(1, 3);
        Tensor w = leaf(2, 3);
        Tensor y = a.mul(w).sum(); // mul saves a for w's gradient
        a.narrow(0, 0, 1).add_(Tensor.ones(1)); // through a view: same storage, same version counter
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'mul'").hasMessageContaining("in-place").hasMessageContaining("version")
                .hasMessageContaining("[3]");

        Tensor p = leaf(3, 3);
        Tensor e = p.exp().sum(); // exp saves its input
        GradMode.noGrad(() -> p.mul_(0.5f)); // as an optimizer would, between forward and backward
        assertThatThrownBy(e::backward).hasMessageContaining("'exp'").hasMessageContaining("in-place");
    }

    @Test
    void inPlaceOnATensorThatRequiresGradIsRefusedWhileGradIsOn() {
        Tensor w = leaf(1, 3);
        Tensor h = w.mul(2f);
        assertThatThrownBy(() -> w.add_(Tensor.ones(3))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("add_").hasMessageContaining("requires grad").hasMessageContaining("[3]");
        assertThatThrownBy(() -> w.mul_(2f)).hasMessageContaining("mul_");
        assertThatThrownBy(() -> h.fill_(0f)).hasMessageContaining("fill_");
        assertThatThrownBy(() -> Tensor.zeros(3).copy_(w)).hasMessageContaining("copy_");
        float[] values = w.toArray();
        assertThat(w.toArray()).containsExactly(values);
        GradMode.noGrad(() -> w.add_(Tensor.ones(3)));
        assertThat(w.get(0)).isEqualTo(values[0] + 1f);
    }
}
