package dev.polarity.engine.tensor;

import dev.polarity.engine.kernels.Parallel;

/** Walks strided views row by row: all dimensions but the last are counted, the last is a tight loop. */
final class Strided {
    private Strided() {}

    /**
     * Below this many floats a copy stays on the calling thread; above it, it is split over the
     * pool: training copies whole activations (gradients into .grad, concatenations), and the
     * other core would otherwise wait for them.
     */
    static final int PARALLEL_FLOATS = 1 << 16;

    /** Copies {@code t} in logical order into {@code out} from {@code outOff}. */
    static void copyTo(Tensor t, float[] out, int outOff) {
        copy(t, out, outOff, true);
    }

    /** Writes {@code values} (logical order of dst's shape) through dst's strides. */
    static void copyFrom(Tensor dst, float[] values, int valuesOff) {
        copy(dst, values, valuesOff, false);
    }

    /** Between a strided view and a flat array, either way. */
    private static void copy(Tensor t, float[] flat, int flatOff, boolean toFlat) {
        int n = t.numel();
        if (n == 0) {
            return;
        }
        float[] data = t.storage.data;
        if (t.isContiguous()) {
            if (n < PARALLEL_FLOATS) {
                arraycopy(toFlat, data, t.offset, flat, flatOff, n);
                return;
            }
            Parallel.forRows(n, PARALLEL_FLOATS / 4, (i0, len) -> arraycopy(toFlat, data, t.offset + i0, flat, flatOff + i0, len));
            return;
        }
        int rank = t.dim();
        int inner = rank == 0 ? 1 : t.shape.dim(rank - 1);
        int innerStride = rank == 0 ? 0 : t.strides[rank - 1];
        int rows = n / inner;
        Parallel.RowRange part = (r0, count) -> {
            int[] idx = rowIndex(r0, t.shape);
            int f = flatOff + r0 * inner;
            for (int r = r0; r < r0 + count; r++) {
                int base = rowOffset(t.offset, idx, t.strides);
                if (innerStride == 1) {
                    arraycopy(toFlat, data, base, flat, f, inner);
                    f += inner;
                } else if (toFlat) {
                    for (int j = 0; j < inner; j++) {
                        flat[f++] = data[base + j * innerStride];
                    }
                } else {
                    for (int j = 0; j < inner; j++) {
                        data[base + j * innerStride] = flat[f++];
                    }
                }
                increment(idx, t.shape);
            }
        };
        if (n < PARALLEL_FLOATS) {
            part.run(0, rows);
        } else {
            Parallel.forRows(rows, Math.max(1, PARALLEL_FLOATS / 4 / inner), part);
        }
    }

    private static void arraycopy(boolean toFlat, float[] data, int dataOff, float[] flat, int flatOff, int n) {
        if (toFlat) {
            System.arraycopy(data, dataOff, flat, flatOff, n);
        } else {
            System.arraycopy(flat, flatOff, data, dataOff, n);
        }
    }

    /** The counter over every dimension but the last that {@link #increment} reaches after {@code row} steps. */
    private static int[] rowIndex(int row, Shape shape) {
        int[] idx = new int[Math.max(shape.rank() - 1, 0)];
        for (int i = idx.length - 1; i >= 0 && row > 0; i--) {
            idx[i] = row % shape.dim(i);
            row /= shape.dim(i);
        }
        return idx;
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
