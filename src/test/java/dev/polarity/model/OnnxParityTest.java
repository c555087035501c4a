package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.autograd.Backward;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.autograd.GraphStats;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.train.Example;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our encoder against ONNX Runtime on all 872 SST-2 dev sentences, one at a time and in padded
 * batches of 32: last hidden states within 1e-4 on real positions, mean-pooled cosine >= 0.99999.
 */
class OnnxParityTest {
    private static BertEncoder model;
    private static TextEncoder tokenizer;
    private static OnnxRuntimeOracle ort;
    private static List<TextEncoder.Encoded> sentences;

    @BeforeAll
    static void load() throws Exception {
        model = TestAssets.baseEncoder();
        model.eval();
        tokenizer = TestAssets.tokenizer();
        ort = new OnnxRuntimeOracle(2);
        sentences = new ArrayList<>();
        for (Example e : TestAssets.devSet()) {
            sentences.add(tokenizer.encode(e.text()));
        }
        assertThat(sentences).hasSize(872);
    }

    @AfterAll
    static void close() throws Exception {
        ort.close();
        tokenizer.close();
    }

    @Test
    void matchesOnnxRuntimeOneSentenceAtATime() throws Exception {
        compare(1, false);
    }

    @Test
    void matchesOnnxRuntimeInPaddedBatchesOf32() throws Exception {
        compare(32, false);
    }

    /** The module path with grad on (what training and explanations differentiate) computes the same encoder. */
    @Test
    void theRecordedModulePathMatchesOnnxRuntimeToo() throws Exception {
        compare(32, true);
    }

    private void compare(int batchSize, boolean gradOn) throws Exception {
        double worstDiff = 0;
        double worstCos = 1;
        long nodesBefore = GraphStats.threadNodes();
        int count = gradOn ? 320 : sentences.size(); // the recorded path keeps its graph: a share of dev suffices
        for (int start = 0; start < count; start += batchSize) {
            Batch b = TextEncoder.pad(sentences.subList(start, Math.min(count, start + batchSize)));
            Tensor ours;
            try (var scope = GradMode.setGradEnabled(gradOn)) {
                ours = model.forward(b);
            }
            if (gradOn && start == 0) {
                Tensor words = model.wordEmbeddings(b).detach().requiresGrad(true);
                assertThat(Backward.sizeOf(model.forwardFromWordEmbeddings(words, b)).nodes()).isPositive();
            } else if (!gradOn) {
                assertThat(Backward.sizeOf(ours).nodes()).isZero();
            }
            float[][][] theirs = ort.lastHiddenState(b);
            float[] o = ours.toArray();
            int hidden = ours.size(2);
            for (int r = 0; r < b.size(); r++) {
                double dot = 0, n1 = 0, n2 = 0;
                float[] pooledOurs = new float[hidden];
                float[] pooledTheirs = new float[hidden];
                for (int t = 0; t < b.realTokens(r); t++) {
                    for (int h = 0; h < hidden; h++) {
                        float a = o[(r * b.length() + t) * hidden + h];
                        float c = theirs[r][t][h];
                        worstDiff = Math.max(worstDiff, Math.abs(a - c));
                        pooledOurs[h] += a;
                        pooledTheirs[h] += c;
                    }
                }
                for (int h = 0; h < hidden; h++) {
                    dot += pooledOurs[h] * pooledTheirs[h];
                    n1 += pooledOurs[h] * pooledOurs[h];
                    n2 += pooledTheirs[h] * pooledTheirs[h];
                }
                worstCos = Math.min(worstCos, dot / Math.sqrt(n1 * n2));
            }
        }
        System.out.printf("parity batch=%d%s: max |ours - ort| = %.3g, min cosine = %.8f%n", batchSize,
                gradOn ? " (module path, grad on)" : "", worstDiff, worstCos);
        if (!gradOn) {
            assertThat(GraphStats.threadNodes() - nodesBefore).as("graph nodes created by eval + noGrad forward passes").isZero();
        }
        assertThat(worstDiff).isLessThanOrEqualTo(1e-4);
        assertThat(worstCos).isGreaterThanOrEqualTo(0.99999);
    }
}
