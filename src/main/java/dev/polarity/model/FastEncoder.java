package dev.polarity.model;

import dev.polarity.engine.kernels.Gemm;
import dev.polarity.engine.kernels.PackedB;
import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.kernels.Rows;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * {@link BertEncoder}'s forward pass when nothing will be differentiated (eval() and grad off),
 * in the spirit of PyTorch's TransformerEncoderLayer "fast path". Same weights and same maths as
 * the module path, but no autograd bookkeeping is needed, so it can:
 * <ul>
 *   <li>drop padding: the real tokens of the whole batch are packed into one [tokens x hidden]
 *       matrix, so the projections and feed-forward never compute a padded row, and attention
 *       runs per sentence over its own tokens (no mask, no wasted scores);</li>
 *   <li>pack: the projection weights are rearranged once into the panels the packed GEMM
 *       streams (rebuilt only when a parameter's version changes);</li>
 *   <li>fuse: query, key and value are one GEMM over a [3 hidden x hidden] weight built once;
 *       bias and GELU are applied to each block of a GEMM's output while it is in cache; bias,
 *       residual and LayerNorm are one pass;</li>
 *   <li>reuse buffers: activations live in per-thread scratch arrays that grow to the largest
 *       batch seen, so a forward pass allocates little beyond its output.</li>
 * </ul>
 * Padded positions of the output are zero (the module path computes values there that nothing
 * reads: pooling and attention both ignore them).
 */
final class FastEncoder {
    private final BertEncoder encoder;
    private final BertConfig c;
    /**
     * Activation buffers of passes that have ended, the most recent first: as many as passes have
     * run at once. Not per thread: a server that runs a lone request's pass on the request's own
     * thread would otherwise keep buffers, sized to its largest pass, on every one of its threads.
     */
    private final ConcurrentLinkedDeque<Scratch> scratch = new ConcurrentLinkedDeque<>();
    private volatile Weights weights;

    FastEncoder(BertEncoder encoder, BertConfig config) {
        this.encoder = encoder;
        this.c = config;
    }

    Tensor forward(Batch b) {
        int h = c.hiddenSize();
        int tokens = b.totalRealTokens();
        Weights w = weights();
        Scratch s = scratch.pollFirst();
        if (s == null) {
            s = new Scratch();
        }
        try {
            return forward(b, w, s, tokens, h);
        } finally {
            scratch.offerFirst(s);
        }
    }

    private Tensor forward(Batch b, Weights w, Scratch s, int tokens, int h) {
        s.ensure(tokens, h, c.intermediateSize());
        int[] starts = new int[b.size() + 1]; // packed row where each sentence starts
        embed(b, w, s.x, starts);
        for (Layer layer : w.layers) {
            layer(layer, s, tokens, starts);
        }
        float[] out = new float[b.size() * b.length() * h];
        for (int r = 0, t = 0; r < b.size(); r++) {
            for (int i = 0; i < b.length(); i++) {
                if (b.mask()[r * b.length() + i] != 0) {
                    System.arraycopy(s.x, t++ * h, out, (r * b.length() + i) * h, h);
                }
            }
        }
        return Tensor.adopt(out, b.size(), b.length(), h);
    }

    /** Word + position + token type for each real token, then LayerNorm, into rows of x. */
    private void embed(Batch b, Weights w, float[] x, int[] starts) {
        int h = c.hiddenSize();
        if (b.length() > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + b.length() + " exceeds the model's "
                    + c.maxPositionEmbeddings() + " positions");
        }
        int t = 0;
        for (int r = 0; r < b.size(); r++) {
            starts[r] = t;
            for (int i = 0; i < b.length(); i++) {
                int k = r * b.length() + i;
                if (b.mask()[k] == 0) {
                    continue;
                }
                int id = b.ids()[k];
                int type = b.typeIds()[k];
                if (id < 0 || id >= c.vocabSize() || type < 0 || type >= c.typeVocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " or type " + type + " out of range");
                }
                int wo = id * h;
                int po = i * h;
                int to = type * h;
                int xo = t * h;
                for (int j = 0; j < h; j++) {
                    x[xo + j] = w.word[wo + j] + w.position[po + j] + w.type[to + j];
                }
                t++;
            }
        }
        starts[b.size()] = t;
        int tokens = t;
        rowsParallel(tokens, (r0, n) -> Rows.best().layerNorm(x, r0 * h, null, null, 0, n, h, w.normGamma, w.normBeta,
                w.eps, x, r0 * h));
    }

    private void layer(Layer l, Scratch s, int tokens, int[] starts) {
        int h = c.hiddenSize();
        int inter = c.intermediateSize();
        Gemm.Kernel kernel = Gemm.best();
        Rows rows = Rows.best();
        // Query, key and value in one GEMM: qkv row t = [q | k | v] of token t.
        Gemm.runPacked(kernel, tokens, s.x, 0, h, l.qkv, s.qkv, 0, 3 * h,
                (r0, n, c0, cols) -> rows.biasActivation(s.qkv, r0 * 3 * h + c0, 3 * h, n, cols, l.qkvBias, c0, Rows.Activation.NONE));
        attention(s, starts);
        Gemm.runPacked(kernel, tokens, s.ctx, 0, h, l.attnOut, s.tmp, 0, h, null);
        rowsParallel(tokens, (r0, n) -> rows.layerNorm(s.tmp, r0 * h, l.attnOutBias, s.x, r0 * h, n, h, l.norm1Gamma,
                l.norm1Beta, l.eps, s.x, r0 * h));
        Rows.Activation act = l.relu ? Rows.Activation.RELU : Rows.Activation.GELU;
        Gemm.runPacked(kernel, tokens, s.x, 0, h, l.inter, s.inter, 0, inter,
                (r0, n, c0, cols) -> rows.biasActivation(s.inter, r0 * inter + c0, inter, n, cols, l.interBias, c0, act));
        Gemm.runPacked(kernel, tokens, s.inter, 0, inter, l.out, s.tmp, 0, h, null);
        rowsParallel(tokens, (r0, n) -> rows.layerNorm(s.tmp, r0 * h, l.outBias, s.x, r0 * h, n, h, l.norm2Gamma,
                l.norm2Beta, l.eps, s.x, r0 * h));
    }

    /** Scaled dot-product attention per sentence and head, reading q, k and v where the QKV GEMM put them. */
    private void attention(Scratch s, int[] starts) {
        int h = c.hiddenSize();
        int heads = c.numAttentionHeads();
        int d = h / heads;
        int sentences = starts.length - 1;
        float scale = (float) (1.0 / Math.sqrt(d));
        Gemm.Kernel kernel = Gemm.best();
        Rows rows = Rows.best();
        Parallel.forEach(sentences * heads, task -> {
            int r = task / heads;
            int head = task % heads;
            int t0 = starts[r];
            int len = starts[r + 1] - t0;
            if (len == 0) {
                return;
            }
            // Score rows padded to a multiple of 8 floats, whole vectors for the kernels, so the
            // softmax has no scalar tail of Math.exp calls.
            int width = (len + 7) & ~7;
            float[] scores = Scratch.scores(len * width + d * width);
            int kt = len * width;
            int q = t0 * 3 * h + head * d;
            // K^T in a buffer of its own, zero past len, so Q K^T runs as a plain (not transposed)
            // GEMM: its kernels multiply outer products instead of ending each dot product in a
            // reduction across lanes. With the padding: attention 0.33 -> 0.24 ms a sentence at
            // batch 1. Rows of q, k and v are 3h apart in qkv.
            for (int p = 0; p < d; p++) {
                int src = q + h + p;
                int dst = kt + p * width;
                for (int j = 0; j < len; j++) {
                    scores[dst + j] = s.qkv[src + j * 3 * h];
                }
                Arrays.fill(scores, dst + len, dst + width, 0f);
            }
            kernel.gemm(len, width, d, s.qkv, q, 3 * h, scores, kt, width, false, scores, 0, width);
            for (int i = 0; i < len; i++) {
                Arrays.fill(scores, i * width + len, (i + 1) * width, Float.NEGATIVE_INFINITY); // e^-inf = 0: no weight
            }
            rows.softmax(scores, 0, width, len, width, scale);
            // context = P V, written into this head's columns of ctx.
            kernel.gemm(len, d, len, scores, 0, width, s.qkv, q + 2 * h, 3 * h, false, s.ctx, t0 * h + head * d, h);
        });
    }

    /** Row-wise work over the kernel pool, several tasks per thread, at least 32 rows each. */
    private static void rowsParallel(int rows, Parallel.RowRange body) {
        Parallel.forRows(rows, 32, body);
    }

    /** The weights in the layout the fast path wants, rebuilt when any parameter has changed. */
    private Weights weights() {
        Weights w = weights;
        if (w == null || !w.current()) {
            synchronized (this) {
                w = weights;
                if (w == null || !w.current()) {
                    w = new Weights(encoder);
                    weights = w;
                }
            }
        }
        return w;
    }

    /** One pass's activation buffers, grown to the largest pass they have served. */
    private static final class Scratch {
        private static final ThreadLocal<float[][]> SCORES = ThreadLocal.withInitial(() -> new float[1][0]);
        float[] x = new float[0];
        float[] qkv = new float[0];
        float[] ctx = new float[0];
        float[] tmp = new float[0];
        float[] inter = new float[0];

        void ensure(int tokens, int h, int intermediate) {
            if (x.length < tokens * h) {
                int rows = Math.max(tokens, x.length / Math.max(1, h) * 5 / 4); // grow by a quarter at least
                x = new float[rows * h];
                qkv = new float[rows * 3 * h];
                ctx = new float[rows * h];
                tmp = new float[rows * h];
                inter = new float[rows * intermediate];
            }
        }

        /** Attention scores of one sentence and head, per pool thread. */
        static float[] scores(int size) {
            float[][] holder = SCORES.get();
            if (holder[0].length < size) {
                holder[0] = new float[size];
            }
            return holder[0];
        }
    }

    /**
     * One layer's weights. The four projections are packed into GEMM panels once (about 7 MB a
     * layer for MiniLM): the packed kernel ran the encoder's GEMMs at about 180 against 125-148
     * GFLOP/s for the transB kernel reading PyTorch's [out, in] layout as it is.
     */
    private record Layer(PackedB qkv, float[] qkvBias, PackedB attnOut, float[] attnOutBias, float[] norm1Gamma,
                         float[] norm1Beta, PackedB inter, float[] interBias, PackedB out, float[] outBias,
                         float[] norm2Gamma, float[] norm2Beta, float eps, boolean relu) {}

    private static final class Weights {
        final float[] word;
        final float[] position;
        final float[] type;
        final float[] normGamma;
        final float[] normBeta;
        final float eps;
        final List<Layer> layers = new ArrayList<>();
        private final List<Parameter> params;
        private final int[] versions;

        /** Read through the modules' own typed references: a renamed weight breaks compilation, not a run. */
        Weights(BertEncoder encoder) {
            this.params = List.copyOf(encoder.parameters());
            this.versions = new int[params.size()];
            for (int i = 0; i < versions.length; i++) {
                versions[i] = params.get(i).version();
            }
            BertEmbeddings e = encoder.embeddingsModule();
            eps = e.norm().eps();
            word = e.wordEmbedding().weight().data();
            position = e.positionEmbedding().weight().data();
            type = e.typeEmbedding().weight().data();
            normGamma = e.norm().weight().data();
            normBeta = e.norm().bias().data();
            for (BertLayer l : encoder.layerModules()) {
                layers.add(new Layer(
                        PackedB.ofTransposed(concat(l.query().weight(), l.key().weight(), l.value().weight()), 0,
                                3 * l.query().weight().size(0), l.query().weight().size(1)),
                        concat(l.query().bias(), l.key().bias(), l.value().bias()),
                        packed(l.attentionOutput().weight()), l.attentionOutput().bias().data(),
                        l.attentionNorm().weight().data(), l.attentionNorm().bias().data(),
                        packed(l.intermediate().weight()), l.intermediate().bias().data(),
                        packed(l.output().weight()), l.output().bias().data(),
                        l.outputNorm().weight().data(), l.outputNorm().bias().data(), l.outputNorm().eps(), l.usesRelu()));
            }
        }

        /**
         * True while every parameter is at the version it was read at (an optimizer step or a load
         * bumps it). Modules register their parameters once, so the tensors themselves never change.
         * A Parameter always owns one whole contiguous buffer (see Tensor's constructor), so its
         * data() is the weight itself.
         */
        boolean current() {
            for (int i = 0; i < versions.length; i++) {
                if (params.get(i).version() != versions[i]) {
                    return false;
                }
            }
            return true;
        }

        private static PackedB packed(Tensor weight) {
            return PackedB.ofTransposed(weight.data(), 0, weight.size(0), weight.size(1));
        }

        private static float[] concat(Parameter a, Parameter b, Parameter c) {
            float[] out = new float[a.numel() + b.numel() + c.numel()];
            System.arraycopy(a.data(), 0, out, 0, a.numel());
            System.arraycopy(b.data(), 0, out, a.numel(), b.numel());
            System.arraycopy(c.data(), 0, out, a.numel() + b.numel(), c.numel());
            return out;
        }
    }
}
