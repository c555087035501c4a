package dev.polarity.model;

import com.sun.management.ThreadMXBean;
import dev.polarity.engine.autograd.Backward;
import dev.polarity.engine.autograd.Autograd;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.train.Example;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Our encoder's forward pass against ONNX Runtime's on the same tokenized SST-2 dev sentences,
 * same thread count (2), same run, at batch sizes 1, 8 and 32; then heap bytes allocated and kept
 * by the graph for one 32-sentence batch under noGrad() and with grad on. Prints; asserts nothing.
 * Run with {@code mvn -B -Pbench verify}.
 */
@Tag("bench")
class EncoderBench {
    private static final int THREADS = 2;
    private static final int[] BATCHES = {1, 8, 32};
    /**
     * Measured rounds per side and batch size, alternating ours and ORT. The times printed are each
     * side's median; the ratio is the median of the per-round ratios, each round's ours against the
     * ORT round right after it, so that the machine's drift (its speed moves 20-40% within an
     * hour) cancels within a pair instead of landing on one side's median.
     */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /** Above 0: time only the encoder's first N layers on our side, the speed of a shallower student. */
    private static final int LAYERS = Integer.getInteger("bench.layers", 0);

    @Test
    void forwardPassAgainstOnnxRuntime() throws Exception {
        Parallel.setThreads(THREADS);
        BertEncoder model = TestAssets.baseEncoder();
        int fullDepth = model.config().numHiddenLayers();
        if (LAYERS > 0) { // -Dbench.layers=N: a shallower student's speed, its first N layers (ORT keeps all)
            BertEncoder cut = new BertEncoder(model.config().withDepth(LAYERS, model.config().numAttentionHeads()), new Random(0));
            cut.loadStateDict(EncoderState.of(model.stateDict(), LAYERS));
            model = cut;
        }
        model.eval();
        List<TextEncoder.Encoded> sentences = new ArrayList<>();
        try (TextEncoder tok = TestAssets.tokenizer()) {
            for (Example e : TestAssets.devSet()) {
                sentences.add(tok.encode(e.text()));
            }
        }
        if (Boolean.getBoolean("bench.gradOnly")) { // -Dbench.gradOnly=true: only what an explanation step costs
            gradEval(model, batches(sentences, 1));
            return;
        }
        long tokens = sentences.stream().mapToLong(TextEncoder.Encoded::length).sum();
        double flopsPerPass = flops(model.config(), sentences);
        System.out.printf("%n%s%n", CpuInfo.describe());
        System.out.printf("encoder forward, %d SST-2 dev sentences (%.1f tokens on average), %d threads, JDK %s%n",
                sentences.size(), tokens / (double) sentences.size(), THREADS, System.getProperty("java.vm.version"));
        if (LAYERS > 0) {
            System.out.printf("ours: the first %d of the encoder's %d layers; ONNX Runtime runs all %d%n", LAYERS, fullDepth, fullDepth);
        }
        boolean int8 = OnnxRuntimeOracle.present(OnnxRuntimeOracle.INT8);
        if (!int8) {
            System.out.println("ORT int8 column: " + OnnxRuntimeOracle.INT8 + " is not on the test classpath, so it is left out");
        }
        System.out.printf("%-7s %12s %12s %12s %12s %14s %10s %10s%n", "batch", "ours ms/s", "ort ms/s", "ort-q8 ms/s",
                "ours GFLOP/s", "ours KB/s", "ratio", "ratio q8");
        double[] ratios = new double[BATCHES.length];
        double[] ratiosInt8 = new double[BATCHES.length];
        try (OnnxRuntimeOracle ort = new OnnxRuntimeOracle(THREADS);
             OnnxRuntimeOracle ortInt8 = int8 ? new OnnxRuntimeOracle(THREADS, OnnxRuntimeOracle.INT8) : null) {
            for (int bi = 0; bi < BATCHES.length; bi++) {
                int bs = BATCHES[bi];
                List<Batch> batches = batches(sentences, bs);
                // One whole unmeasured pass each first, so our JIT-compiled kernels are measured
                // warm, as ORT's native ones always are; then alternate rounds and take each side's
                // median, so a burst of load from a neighbour on this shared machine hits both.
                runOurs(model, batches);
                runOrt(ort, batches);
                if (int8) {
                    runOrt(ortInt8, batches);
                }
                long[] oursRounds = new long[ROUNDS];
                long[] ortRounds = new long[ROUNDS];
                long[] int8Rounds = new long[ROUNDS];
                long allocated = 0;
                for (int r = 0; r < ROUNDS; r++) {
                    long allocatedBefore = allocatedByAllThreads();
                    oursRounds[r] = runOurs(model, batches);
                    if (r == 0) {
                        allocated = allocatedByAllThreads() - allocatedBefore;
                    }
                    ortRounds[r] = runOrt(ort, batches);
                    int8Rounds[r] = int8 ? runOrt(ortInt8, batches) : 0;
                }
                double[] paired = new double[ROUNDS];
                double[] pairedInt8 = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    paired[r] = (double) oursRounds[r] / ortRounds[r];
                    pairedInt8[r] = int8 ? (double) oursRounds[r] / int8Rounds[r] : Double.NaN;
                }
                ratios[bi] = median(paired);
                ratiosInt8[bi] = median(pairedInt8);
                System.out.printf("%-7d %12.2f %12.2f %12.2f %12.1f %14.1f %10.2f %10.2f%n", bs,
                        median(oursRounds) / 1e6 / sentences.size(), median(ortRounds) / 1e6 / sentences.size(),
                        median(int8Rounds) / 1e6 / sentences.size(), flopsPerPass / median(oursRounds),
                        allocated / 1e3 / sentences.size(), ratios[bi], ratiosInt8[bi]);
            }
        }
        for (int bi = 0; int8 && bi < BATCHES.length; bi++) {
            System.out.printf("ratio ours/ort-int8 batch=%d: %.2f%n", BATCHES[bi], ratiosInt8[bi]);
        }
        for (int bi = 0; bi < BATCHES.length; bi++) {
            System.out.printf("ratio ours/ort batch=%d: %.2f%n", BATCHES[bi], ratios[bi]);
        }
        gradEval(model, batches(sentences, 1));
        memory(model, sentences);
    }

    /**
     * What one gradient-explanation step costs at batch 1: a forward in eval() with grad on plus the
     * backward to the input embeddings, against the no-grad forward, alternating rounds.
     */
    private static void gradEval(BertEncoder model, List<Batch> batches) {
        runOurs(model, batches);
        runGradEval(model, batches);
        double[] paired = new double[ROUNDS];
        long[] grad = new long[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long forward = runOurs(model, batches);
            grad[r] = runGradEval(model, batches);
            paired[r] = (double) grad[r] / forward;
        }
        System.out.printf("batch 1 in eval() with grad on, forward + backward to the input embeddings: %.2f ms per sentence%n",
                median(grad) / 1e6 / batches.size());
        System.out.printf("ratio grad-eval/forward batch=1: %.2f%n", median(paired));
    }

    private static long runGradEval(BertEncoder model, List<Batch> batches) {
        long t = System.nanoTime();
        for (Batch b : batches) {
            Tensor words = model.wordEmbeddings(b).detach().requiresGrad(true);
            Tensor out = model.forwardFromWordEmbeddings(words, b).sum();
            Autograd.grad(out, words);
        }
        return System.nanoTime() - t;
    }

    private static long median(long[] xs) {
        long[] sorted = xs.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double median(double[] xs) {
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static List<Batch> batches(List<TextEncoder.Encoded> s, int size) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i += size) {
            out.add(TextEncoder.pad(s.subList(i, Math.min(s.size(), i + size))));
        }
        return out;
    }

    private static long runOurs(BertEncoder model, List<Batch> batches) {
        long t = System.nanoTime();
        try (var scope = GradMode.noGrad()) {
            for (Batch b : batches) {
                model.forward(b);
            }
        }
        return System.nanoTime() - t;
    }

    private static long runOrt(OnnxRuntimeOracle ort, List<Batch> batches) throws Exception {
        long t = System.nanoTime();
        for (Batch b : batches) {
            ort.lastHiddenState(b);
        }
        return System.nanoTime() - t;
    }

    /** Heap bytes allocated so far by every live thread: the kernel pool's workers as well as this one. */
    private static long allocatedByAllThreads() {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** Multiply-adds x 2 of the encoder over real tokens: projections, feed-forward and attention. */
    private static double flops(BertConfig c, List<TextEncoder.Encoded> s) {
        double h = c.hiddenSize();
        double total = 0;
        for (TextEncoder.Encoded e : s) {
            double n = e.length();
            total += c.numHiddenLayers() * (2 * n * (4 * h * h + 2 * h * c.intermediateSize()) + 4 * n * n * h);
        }
        return total;
    }

    private static void memory(BertEncoder model, List<TextEncoder.Encoded> sentences) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        Batch b32 = TextEncoder.pad(sentences.subList(0, 32));
        for (boolean grad : new boolean[] {false, true}) {
            model.eval();
            for (var p : model.parameters()) {
                p.requiresGrad(grad); // with grad on, the weights need gradients as in fine-tuning
            }
            long before = mx.getThreadAllocatedBytes(id);
            Tensor out;
            try (var scope = GradMode.setGradEnabled(grad)) {
                out = model.forward(b32);
            }
            long allocated = mx.getThreadAllocatedBytes(id) - before;
            Backward.GraphSize g = Backward.sizeOf(out);
            System.out.printf("batch 32 in eval(), %s: %.1f MB allocated by the forward pass, %d graph nodes, %.1f MB kept alive by the graph%n",
                    grad ? "grad on   " : "noGrad()  ", allocated / 1e6, g.nodes(), g.savedBytes() / 1e6);
        }
        for (var p : model.parameters()) {
            p.requiresGrad(true);
        }
        // The module path is what the first working version ran in eval() + noGrad(); the fast path replaced it.
        double[] perSentence = new double[2];
        for (int path = 0; path < 2; path++) {
            long before = allocatedByAllThreads();
            try (var scope = GradMode.noGrad()) {
                for (TextEncoder.Encoded e : sentences.subList(0, 100)) {
                    Batch one = TextEncoder.pad(List.of(e));
                    if (path == 0) {
                        model.forwardModules(one);
                    } else {
                        model.forward(one);
                    }
                }
            }
            perSentence[path] = (allocatedByAllThreads() - before) / 100.0;
        }
        System.out.printf("batch 1 under noGrad(): module path (the first working version) %.0f KB allocated per sentence, "
                + "fast path %.0f KB: %.0fx less%n", perSentence[0] / 1e3, perSentence[1] / 1e3, perSentence[0] / perSentence[1]);
    }
}
