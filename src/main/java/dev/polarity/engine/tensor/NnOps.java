package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Node;
import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.kernels.Rows;

/** Fused ops with hand-written backward rules: softmax, logSoftmax, layerNorm, embedding, nllLoss, dropout. */
final class NnOps {
    private NnOps() {}

    static Tensor softmax(Tensor x, int dim) {
        int d = x.shape.normalize(dim, "softmax");
        if (d != x.dim() - 1) {
            return softmax(x.transpose(d, -1), -1).transpose(d, -1);
        }
        int len = x.size(-1);
        float[] v = x.contiguousCopyData();
        for (int r = 0; r < v.length; r += len) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < len; i++) {
                max = Math.max(max, v[r + i]);
            }
            double sum = 0;
            for (int i = 0; i < len; i++) {
                float e = (float) Math.exp(v[r + i] - max);
                v[r + i] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < len; i++) {
                v[r + i] *= inv;
            }
        }
        Tensor y = Tensor.wrap(v, x.shape);
        return Node.record("softmax", y, new Tensor[] {x}, new Tensor[] {y}, g -> {
            float[] gv = g.contiguousCopyData();
            for (int r = 0; r < gv.length; r += len) {
                double dot = 0;
                for (int i = 0; i < len; i++) {
                    dot += gv[r + i] * v[r + i];
                }
                for (int i = 0; i < len; i++) {
                    gv[r + i] = v[r + i] * (gv[r + i] - (float) dot);
                }
            }
            return new Tensor[] {Tensor.wrap(gv, x.shape)};
        });
    }

    static Tensor logSoftmax(Tensor x, int dim) {
        int d = x.shape.normalize(dim, "logSoftmax");
        if (d != x.dim() - 1) {
            return logSoftmax(x.transpose(d, -1), -1).transpose(d, -1);
        }
        int len = x.size(-1);
        float[] v = x.contiguousCopyData();
        for (int r = 0; r < v.length; r += len) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < len; i++) {
                max = Math.max(max, v[r + i]);
            }
            double sum = 0;
            for (int i = 0; i < len; i++) {
                sum += Math.exp(v[r + i] - max);
            }
            float lse = max + (float) Math.log(sum);
            for (int i = 0; i < len; i++) {
                v[r + i] -= lse;
            }
        }
        Tensor y = Tensor.wrap(v, x.shape);
        return Node.record("logSoftmax", y, new Tensor[] {x}, new Tensor[] {y}, g -> {
            float[] gv = g.contiguousCopyData();
            for (int r = 0; r < gv.length; r += len) {
                double sum = 0;
                for (int i = 0; i < len; i++) {
                    sum += gv[r + i];
                }
                for (int i = 0; i < len; i++) {
                    gv[r + i] -= (float) Math.exp(v[r + i]) * (float) sum;
                }
            }
            return new Tensor[] {Tensor.wrap(gv, x.shape)};
        });
    }

    /** LayerNorm over the last dimension; weight and bias are optional. */
    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int len = x.size(-1);
        checkVector("layerNorm", "weight", weight, len, x);
        checkVector("layerNorm", "bias", bias, len, x);
        float[] v = x.contiguousCopyData();
        float[] w = weight == null ? null : weight.contiguousCopyData();
        float[] b = bias == null ? null : bias.contiguousCopyData();
        int rows = len == 0 ? 0 : v.length / len;
        float[] xhat = new float[v.length];
        float[] rstd = new float[rows];
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) {
            int o = r * len;
            double mean = 0;
            for (int i = 0; i < len; i++) {
                mean += v[o + i];
            }
            mean /= len;
            double var = 0;
            for (int i = 0; i < len; i++) {
                double c = v[o + i] - mean;
                var += c * c;
            }
            var /= len;
            float rs = (float) (1.0 / Math.sqrt(var + eps));
            rstd[r] = rs;
            for (int i = 0; i < len; i++) {
                float h = (float) (v[o + i] - mean) * rs;
                xhat[o + i] = h;
                out[o + i] = h * (w == null ? 1f : w[i]) + (b == null ? 0f : b[i]);
            }
        }
        Tensor y = Tensor.wrap(out, x.shape);
        Tensor savedXhat = Tensor.wrap(xhat, x.shape);
        Tensor savedRstd = Tensor.wrap(rstd, Shape.of(rows));
        Tensor[] saved = weight == null ? new Tensor[] {savedXhat, savedRstd} : new Tensor[] {savedXhat, savedRstd, weight};
        return Node.record("layerNorm", y, new Tensor[] {x, weight, bias}, saved, g -> {
            float[] gv = g.contiguousCopyData();
            float[] gx = new float[gv.length];
            float[] gw = new float[len];
            float[] gb = new float[len];
            for (int r = 0; r < rows; r++) {
                int o = r * len;
                double sumG = 0;
                double sumGX = 0;
                for (int i = 0; i < len; i++) {
                    float gh = gv[o + i] * (w == null ? 1f : w[i]);
                    sumG += gh;
                    sumGX += gh * xhat[o + i];
                    gw[i] += gv[o + i] * xhat[o + i];
                    gb[i] += gv[o + i];
                }
                float mg = (float) (sumG / len);
                float mgx = (float) (sumGX / len);
                for (int i = 0; i < len; i++) {
                    float gh = gv[o + i] * (w == null ? 1f : w[i]);
                    gx[o + i] = rstd[r] * (gh - mg - xhat[o + i] * mgx);
                }
            }
            return new Tensor[] {
                Tensor.wrap(gx, x.shape),
                weight == null ? null : Tensor.wrap(gw, weight.shape),
                bias == null ? null : Tensor.wrap(gb, bias.shape)};
        });
    }

    private static void checkVector(String op, String what, Tensor t, int len, Tensor x) {
        if (t != null && (t.dim() != 1 || t.size(0) != len)) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + t.shape + " does not match the last dimension of input " + x.shape);
        }
    }

    /** Rows of {@code weight} [vocab, dim] picked by integer ids; the result has shape idsShape + [dim]. */
    static Tensor embedding(Tensor weight, int[] ids, Shape idsShape) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be [vocab, dim], got " + weight.shape);
        }
        if (ids.length != idsShape.numel()) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fill shape " + idsShape);
        }
        int vocab = weight.size(0);
        int dim = weight.size(1);
        Tensor w = weight.contiguous().detach();
        float[] out = new float[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocab) {
                throw new IndexOutOfBoundsException("embedding: id " + id + " at position " + i + " is outside the vocabulary [0, " + vocab + ")");
            }
            System.arraycopy(w.storage.data, w.offset + id * dim, out, i * dim, dim);
        }
        int[] dims = java.util.Arrays.copyOf(idsShape.toArray(), idsShape.rank() + 1);
        dims[idsShape.rank()] = dim;
        int[] kept = ids.clone();
        Shape weightShape = weight.shape;
        return Node.record("embedding", Tensor.wrap(out, Shape.of(dims)), new Tensor[] {weight}, new Tensor[0], g -> {
            float[] gv = g.contiguousCopyData();
            float[] gw = new float[vocab * dim];
            for (int i = 0; i < kept.length; i++) {
                int row = kept[i] * dim;
                for (int j = 0; j < dim; j++) {
                    gw[row + j] += gv[i * dim + j];
                }
            }
            return new Tensor[] {Tensor.wrap(gw, weightShape)};
        });
    }

    /** Mean negative log-likelihood of {@code targets} under log-probabilities [n, classes]. */
    static Tensor nllLoss(Tensor logProbs, int[] targets) {
        if (logProbs.dim() != 2 || logProbs.size(0) != targets.length) {
            throw new IllegalArgumentException("nllLoss: expected log-probabilities [n, classes] for " + targets.length
                    + " targets, got " + logProbs.shape);
        }
        int n = targets.length;
        int c = logProbs.size(1);
        float[] lp = logProbs.contiguousCopyData();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= c) {
                throw new IllegalArgumentException("nllLoss: target " + targets[i] + " at row " + i + " is outside [0, " + c + ")");
            }
            loss -= lp[i * c + targets[i]];
        }
        int[] kept = targets.clone();
        Tensor out = Tensor.scalar((float) (loss / n));
        Shape inShape = logProbs.shape;
        return Node.record("nllLoss", out, new Tensor[] {logProbs}, new Tensor[0], g -> {
            float[] gx = new float[n * c];
            float gs = g.item() / n;
            for (int i = 0; i < n; i++) {
                gx[i * c + kept[i]] = -gs;
            }
            return new Tensor[] {Tensor.wrap(gx, inShape)};
        });
    }

    /**
     * Inverted dropout's mask over n elements (see {@link Rows#dropoutMask}): one seed from rng, the
     * draws split over the pool.
     */
    static float[] dropoutMask(int n, float p, java.util.Random rng) {
        long seed = rng.nextLong();
        float[] mask = new float[n];
        Rows kernel = Rows.best();
        Parallel.forRows(n, 1 << 13, (i0, count) -> kernel.dropoutMask(mask, i0, count, seed, i0, p));
        return mask;
    }

    /** Inverted dropout: zeroes with probability p and scales survivors by 1/(1-p). */
    static Tensor dropout(Tensor x, float p, java.util.Random rng) {
        if (p < 0f || p >= 1f) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
        }
        return x.mul(Tensor.wrap(dropoutMask(x.numel(), p, rng), x.shape));
    }
}
