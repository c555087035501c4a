package dev.polarity.engine.kernels;

/**
 * A constant right-hand GEMM operand (a Linear weight in PyTorch's [out, in] layout, used as B^T)
 * rearranged once into column panels of {@link #PANEL} columns: panel j holds columns
 * [j * PANEL, (j + 1) * PANEL) of B as k rows of PANEL contiguous floats, zero past n. A kernel
 * then reads each panel as one sequential stream and multiplies it as an outer product, with no
 * transposes and no reductions across lanes per call. Worth it only for weights that many calls
 * share: inference, where they do not change between passes.
 */
public final class PackedB {
    /** Columns per panel: three of the vector kernels' vectors (48 floats with 512-bit vectors, 24 with 256). */
    public static final int PANEL = 3 * VectorSupport.floatLanes();

    private final int n;
    private final int k;
    private final float[] data;

    private PackedB(int n, int k, float[] data) {
        this.n = n;
        this.k = k;
        this.data = data;
    }

    /** Packs {@code w}, row-major [n x k] with row stride k starting at {@code off}: B = w^T. */
    public static PackedB ofTransposed(float[] w, int off, int n, int k) {
        return ofTransposed(w, off, n, k, null);
    }

    /**
     * As above, into {@code reuse}'s floats when it has the same shape (a weight repacked after an
     * optimizer step): no fresh array to allocate and zero. {@code reuse} must no longer be read.
     */
    public static PackedB ofTransposed(float[] w, int off, int n, int k, PackedB reuse) {
        if (n < 1 || k < 1 || off < 0 || (long) off + (long) n * k > w.length) {
            throw new IllegalArgumentException("PackedB: [" + n + " x " + k + "] at " + off + " does not fit in " + w.length);
        }
        int panels = (n + PANEL - 1) / PANEL;
        float[] data = reuse != null && reuse.n == n && reuse.k == k ? reuse.data : new float[panels * k * PANEL];
        // Panel by panel, split over the pool (training repacks every weight after each step), each
        // written in order while its 24 source rows are read side by side.
        Parallel.forEach(panels, j -> {
            int j0 = j * PANEL;
            int width = Math.min(PANEL, n - j0);
            int base = j * k * PANEL;
            for (int p = 0; p < k; p++) {
                int dst = base + p * PANEL;
                int src = off + j0 * k + p;
                for (int jj = 0; jj < width; jj++) {
                    data[dst + jj] = w[src + jj * k];
                }
            }
        });
        return new PackedB(n, k, data);
    }

    /**
     * Packs a row-major B [k x n] with row stride {@code ldb} as it is (no transpose): the right
     * operand of a backward GEMM (a weight for dX, an activation for dW), used once. Copying it
     * costs k x n against the GEMM's m x k x n, and the packed kernel's tiles then outrun the
     * kernel that reads B in place.
     */
    public static PackedB of(float[] b, int off, int k, int n, int ldb) {
        return of(b, off, k, n, ldb, null);
    }

    /** As above, into {@code reuse}'s floats when it has the same shape; {@code reuse} must no longer be read. */
    public static PackedB of(float[] b, int off, int k, int n, int ldb, PackedB reuse) {
        if (n < 1 || k < 1 || off < 0 || ldb < n || (long) off + (long) (k - 1) * ldb + n > b.length) {
            throw new IllegalArgumentException("PackedB: [" + k + " x " + n + "] at " + off + " with row stride " + ldb
                    + " does not fit in " + b.length);
        }
        int panels = (n + PANEL - 1) / PANEL;
        float[] data = reuse != null && reuse.n == n && reuse.k == k ? reuse.data : new float[panels * k * PANEL];
        Parallel.forEach(panels, j -> {
            int c0 = j * PANEL;
            int width = Math.min(PANEL, n - c0);
            int base = j * k * PANEL;
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, off + p * ldb + c0, data, base + p * PANEL, width);
            }
        });
        return new PackedB(n, k, data);
    }

    /** Columns of B (rows of the weight). */
    public int n() {
        return n;
    }

    /** Rows of B (the shared dimension). */
    public int k() {
        return k;
    }

    public int panels() {
        return (n + PANEL - 1) / PANEL;
    }

    /** The packed floats; panel j starts at {@code j * k * PANEL}. */
    float[] data() {
        return data;
    }
}
