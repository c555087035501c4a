package dev.polarity.engine.autograd.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ported from PyTorch's TestMultithreadAutograd.test_python_thread_in_middle: a graph that starts
 * on one thread (y = x + x^2) and is continued and differentiated on several (z = y + y^2 on
 * each), the Y pattern. The shared part saved x for backward, so without retainGraph the first
 * sweep through it frees it: every other sweep either got there first and delivers its whole
 * gradient, or throws. With retainGraph every sweep delivers. A hook on y holds all threads at
 * a barrier, so they enter the shared node together in every round: the interleaving is forced.
 */
class ThreadsConformanceTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 1000;
    // d/dx of sum(y + y^2), y = x + x^2, at x = 1: (1 + 2y)(1 + 2x) = 5 * 3
    private static final float PER_THREAD = 15f;
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private record Outcome(int successes, float grad) {}

    private static Outcome round(boolean retainGraph) throws Exception {
        Tensor x = Tensor.ones(5, 5).requiresGrad(true);
        Tensor y = x.add(x.pow(2f));
        CyclicBarrier together = new CyclicBarrier(THREADS);
        y.registerHook(g -> {
            try {
                together.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        List<Future<Boolean>> runs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            runs.add(pool.submit(() -> {
                Tensor z = y.add(y.pow(2f)).sum();
                try {
                    z.backward(null, retainGraph);
                    return true;
                } catch (IllegalStateException e) {
                    assertThat(e).hasMessageContaining("second time").hasMessageContaining("retainGraph");
                    return false;
                }
            }));
        }
        int ok = 0;
        for (Future<Boolean> f : runs) {
            ok += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        float[] g = x.grad() == null ? new float[25] : x.grad().toArray();
        for (float v : g) {
            assertThat(v).isEqualTo(g[0]);
        }
        return new Outcome(ok, g[0]);
    }

    @Test
    void withRetainGraphEverySweepDeliversItsWholeGradient() throws Exception {
        for (int r = 0; r < ROUNDS; r++) {
            Outcome o = round(true);
            assertThat(o.successes()).as("round %d", r).isEqualTo(THREADS);
            assertThat(o.grad()).as("round %d", r).isEqualTo(THREADS * PER_THREAD);
        }
    }

    @Test
    void withoutRetainGraphASweepDeliversAllOrThrowsAndOneAtLeastSucceeds() throws Exception {
        int throwsSeen = 0;
        for (int r = 0; r < ROUNDS; r++) {
            Outcome o = round(false);
            assertThat(o.successes()).as("round %d", r).isGreaterThanOrEqualTo(1);
            assertThat(o.grad()).as("round %d: %d sweeps returned", r, o.successes()).isEqualTo(o.successes() * PER_THREAD);
            throwsSeen += THREADS - o.successes();
        }
        System.out.println("threads: " + throwsSeen + " of " + THREADS * ROUNDS + " sweeps threw (retainGraph=false)");
    }
}
