package dev.polarity.model;

/**
 * Token ids of a padded batch, row-major [size, length]: what the tokenizer hands the model.
 * {@code mask} is 1 on real tokens and 0 on padding.
 */
public record Batch(int size, int length, int[] ids, int[] typeIds, int[] mask) {
    public Batch {
        int n = size * length;
        if (size < 0 || length < 0 || ids.length != n || typeIds.length != n || mask.length != n) {
            throw new IllegalArgumentException("Batch: ids, typeIds and mask must each hold size x length = " + n + " values");
        }
    }

    /** Real (non-padding) tokens in row {@code r}. */
    public int realTokens(int r) {
        int c = 0;
        for (int i = 0; i < length; i++) {
            c += mask[r * length + i];
        }
        return c;
    }

    public int totalRealTokens() {
        int c = 0;
        for (int m : mask) {
            c += m;
        }
        return c;
    }
}
