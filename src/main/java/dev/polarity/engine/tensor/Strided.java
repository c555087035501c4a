package dev.polarity.engine.tensor;

/** Walks strided views row by row: all dimensions but the last are counted, the last is a tight loop. */
final class Strided {
    private Strided() {}

    /** Copies {@code t} in logical order into {@code out} from {@code outOff}. */
    static void copyTo(Tensor t, float[] out, int outOff) {
        int n = t.numel();
        if (n == 0) {
            return;
        }
        float[] src = t.storage.data;
        if (t.isContiguous()) {
            System.arraycopy(src, t.offset, out, outOff, n);
            return;
        }
        int rank = t.dim();
        int inner = rank == 0 ? 1 : t.shape.dim(rank - 1);
        int innerStride = rank == 0 ? 0 : t.strides[rank - 1];
        int[] idx = new int[Math.max(rank - 1, 0)];
        int rows = n / inner;
        int o = outOff;
        for (int r = 0; r < rows; r++) {
            int base = rowOffset(t.offset, idx, t.strides);
            for (int j = 0; j < inner; j++) {
                out[o++] = src[base + j * innerStride];
            }
            increment(idx, t.shape);
        }
    }

    /** Writes {@code values} (logical order of dst's shape) through dst's strides. */
    static void copyFrom(Tensor dst, float[] values, int valuesOff) {
        int n = dst.numel();
        float[] d = dst.storage.data;
        if (dst.isContiguous()) {
            System.arraycopy(values, valuesOff, d, dst.offset, n);
            return;
        }
        int rank = dst.dim();
        int inner = rank == 0 ? 1 : dst.shape.dim(rank - 1);
        int innerStride = rank == 0 ? 0 : dst.strides[rank - 1];
        int[] idx = new int[Math.max(rank - 1, 0)];
        int v = valuesOff;
        for (int r = 0, rows = n / Math.max(inner, 1); r < rows; r++) {
            int base = rowOffset(dst.offset, idx, dst.strides);
            for (int j = 0; j < inner; j++) {
                d[base + j * innerStride] = values[v++];
            }
            increment(idx, dst.shape);
        }
    }

    static int rowOffset(int offset, int[] idx, int[] strides) {
        int o = offset;
        for (int i = 0; i < idx.length; i++) {
            o += idx[i] * strides[i];
        }
        return o;
    }

    /** Advances a counter over every dimension but the last of {@code shape}. */
    static void increment(int[] idx, Shape shape) {
        for (int i = idx.length - 1; i >= 0; i--) {
            if (++idx[i] < shape.dim(i)) {
                return;
            }
            idx[i] = 0;
        }
    }

    /** Strides of {@code t} seen through a broadcast to {@code target} (0 where it is repeated). */
    static int[] broadcastStrides(Tensor t, Shape target) {
        int r = target.rank();
        int[] s = new int[r];
        int lead = r - t.dim();
        for (int i = 0; i < r; i++) {
            if (i < lead) {
                s[i] = 0;
            } else {
                int d = t.shape.dim(i - lead);
                s[i] = d == 1 && target.dim(i) != 1 ? 0 : t.strides[i - lead];
            }
        }
        return s;
    }
}
