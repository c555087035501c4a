package dev.polarity.serving.batching;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits texts sorted by token length into forward passes of at most {@code maxSize}. A batch is
 * padded to its longest text, so one long text among short ones multiplies the work; a separate
 * pass costs some GEMM efficiency instead. A split is made when a pass is full, or when padding
 * would exceed {@link #WASTE} times the real tokens in a batch big enough for the waste to matter.
 */
final class LengthGroups {
    static final double WASTE = 1.5;
    static final int MIN_PADDED_TOKENS = 512;

    private LengthGroups() {}

    /** Group sizes, in order, for ascending {@code lengths}. */
    static List<Integer> split(int[] lengths, int maxSize) {
        List<Integer> sizes = new ArrayList<>();
        int start = 0;
        long real = 0;
        for (int i = 0; i < lengths.length; i++) {
            long padded = (long) (i - start + 1) * lengths[i];
            long realWith = real + lengths[i];
            boolean full = i - start == maxSize;
            if (full || (i > start && padded > MIN_PADDED_TOKENS && padded > WASTE * realWith)) {
                sizes.add(i - start);
                start = i;
                real = lengths[i];
            } else {
                real = realWith;
            }
        }
        if (lengths.length > start) {
            sizes.add(lengths.length - start);
        }
        return sizes;
    }
}
