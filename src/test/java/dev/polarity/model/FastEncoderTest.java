package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.autograd.GraphStats;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The eval() + no-grad fast path against the module path it replaces: same values on every real
 * position (whatever the padding and the number of tokens), zeros on padding, weights changed in
 * place are seen, and any module still in training mode sends the pass back to the modules.
 */
class FastEncoderTest {
    private static BertConfig config(String act, double dropout) {
        return new BertConfig("bert", 100, 32, 2, 4, 64, act, 64, 2, 1e-12, dropout, dropout, 0, List.of());
    }

    /** Sentences of 3, 17 and 11 tokens, padded to 17; 31 real tokens, then 3 x 17 = 51 with a longer batch. */
    private static Batch batch(int sentences, Random rnd, int... lengths) {
        int len = 0;
        for (int l : lengths) {
            len = Math.max(len, l);
        }
        int[] ids = new int[sentences * len];
        int[] types = new int[sentences * len];
        int[] mask = new int[sentences * len];
        for (int r = 0; r < sentences; r++) {
            for (int i = 0; i < lengths[r]; i++) {
                ids[r * len + i] = 1 + rnd.nextInt(99);
                types[r * len + i] = i > lengths[r] / 2 ? 1 : 0;
                mask[r * len + i] = 1;
            }
        }
        return new Batch(sentences, len, ids, types, mask);
    }

    private static void assertSameOnRealPositions(Tensor fast, Tensor modules, Batch b) {
        float[] f = fast.toArray();
        float[] m = modules.toArray();
        int h = fast.size(2);
        for (int t = 0; t < b.size() * b.length(); t++) {
            for (int j = 0; j < h; j++) {
                if (b.mask()[t] == 1) {
                    assertThat(f[t * h + j]).as("token %d, unit %d", t, j).isCloseTo(m[t * h + j], offset(2e-5f));
                } else {
                    assertThat(f[t * h + j]).as("padding %d", t).isZero();
                }
            }
        }
    }

    @Test
    void matchesTheModulePathForGeluAndRelu() {
        for (String act : new String[] {"gelu", "relu"}) {
            BertEncoder enc = new BertEncoder(config(act, 0.1), new Random(11));
            enc.eval();
            Random rnd = new Random(4);
            for (Batch b : List.of(batch(1, rnd, 5), batch(3, rnd, 3, 17, 11), batch(3, rnd, 17, 17, 17), batch(1, rnd, 40),
                    batch(3, rnd, 1, 8, 16))) {
                long nodes = GraphStats.threadNodes();
                Tensor fast = GradMode.noGrad(() -> enc.forward(b));
                Tensor modules = GradMode.noGrad(() -> enc.forwardModules(b));
                assertThat(GraphStats.threadNodes()).isEqualTo(nodes);
                assertSameOnRealPositions(fast, modules, b);
            }
        }
    }

    @Test
    void seesWeightsChangedInPlace() {
        BertEncoder enc = new BertEncoder(config("gelu", 0.1), new Random(2));
        enc.eval();
        Batch b = batch(2, new Random(9), 6, 4);
        float[] before = GradMode.noGrad(() -> enc.forward(b)).toArray();
        try (var scope = GradMode.noGrad()) {
            for (Parameter p : enc.parameters()) {
                if (p.dim() == 2) { // every weight matrix, the fused query/key/value ones included
                    p.mul_(1.1f);
                }
            }
        }
        Tensor after = GradMode.noGrad(() -> enc.forward(b));
        assertThat(after.toArray()).isNotEqualTo(before);
        assertSameOnRealPositions(after, GradMode.noGrad(() -> enc.forwardModules(b)), b);
    }

    @Test
    void anyModuleInTrainingModeTakesTheModulePath() {
        BertEncoder enc = new BertEncoder(config("gelu", 0.5), new Random(6));
        enc.eval();
        enc.children().get("embeddings").train(); // its dropout is live again
        Batch b = batch(1, new Random(1), 12);
        float[] first = GradMode.noGrad(() -> enc.forward(b)).toArray();
        float[] second = GradMode.noGrad(() -> enc.forward(b)).toArray();
        assertThat(first).as("dropout ran, so the modules ran").isNotEqualTo(second);
    }

    @Test
    void threadsRunningAtOnceGetTheirOwnResults() throws Exception {
        BertEncoder enc = new BertEncoder(config("gelu", 0.1), new Random(8));
        enc.eval();
        Random rnd = new Random(3);
        List<Batch> batches = List.of(batch(1, rnd, 9), batch(2, rnd, 30, 7), batch(3, rnd, 2, 3, 4), batch(1, rnd, 33));
        List<float[]> expected = batches.stream().map(b -> GradMode.noGrad(() -> enc.forward(b)).toArray()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int which = t;
                // Half of them as a server's consumers side by side, whose kernels run on themselves only.
                runs.add(pool.submit(() -> which % 2 == 0 ? dev.polarity.engine.kernels.Parallel.sideBySide(
                        () -> agrees(enc, batches, expected, which)) : agrees(enc, batches, expected, which)));
            }
            for (Future<Boolean> r : runs) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean agrees(BertEncoder enc, List<Batch> batches, List<float[]> expected, int which) {
        for (int i = 0; i < 50; i++) {
            Batch b = batches.get((which + i) % batches.size());
            float[] got = GradMode.noGrad(() -> enc.forward(b)).toArray();
            float[] exp = expected.get((which + i) % batches.size());
            for (int q = 0; q < got.length; q++) {
                // Not bitwise: the vector exp differs by an ulp between interpreted and compiled code.
                if (Math.abs(got[q] - exp[q]) > 1e-5f) {
                    return false;
                }
            }
        }
        return true;
    }
}
