package dev.polarity.engine.tensor;

import java.util.Arrays;

/** An immutable list of dimension sizes. Prints as {@code [2, 3]}. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
        }
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code d}; negative values count from the end, as in PyTorch. */
    public int dim(int d) {
        return dims[normalize(d)];
    }

    public int[] toArray() {
        return dims.clone();
    }

    public int numel() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + this + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** Maps a possibly negative dimension index into [0, rank). */
    public int normalize(int d) {
        return normalize(d, null);
    }

    /** As {@link #normalize(int)}, naming {@code op} in the error. */
    public int normalize(int d, String op) {
        int r = dims.length;
        int n = d < 0 ? d + r : d;
        if (n < 0 || n >= r) {
            throw new IllegalArgumentException((op == null ? "" : op + ": ") + "dimension " + d + " is out of range for shape " + this);
        }
        return n;
    }

    public int[] contiguousStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** NumPy broadcasting of two shapes; {@code op} names the operation in the error. */
    public static Shape broadcast(Shape a, Shape b, String op) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
