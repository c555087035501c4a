package dev.polarity.model;

/**
 * Where a padded batch's real tokens go when packed row after row: {@code rows[t]} is token t's
 * row in the padded [size x length] layout, sentence r owns packed rows [starts[r], starts[r+1]),
 * and {@code positions[t]} is token t's position in its sentence.
 */
record Packing(int[] rows, int[] starts, int[] positions) {
    static Packing of(Batch b) {
        int tokens = b.totalRealTokens();
        int[] rows = new int[tokens];
        int[] positions = new int[tokens];
        int[] starts = new int[b.size() + 1];
        int t = 0;
        for (int r = 0; r < b.size(); r++) {
            starts[r] = t;
            for (int i = 0; i < b.length(); i++) {
                int k = r * b.length() + i;
                if (b.mask()[k] != 0) {
                    rows[t] = k;
                    positions[t] = i;
                    t++;
                }
            }
        }
        starts[b.size()] = t;
        return new Packing(rows, starts, positions);
    }

    int tokens() {
        return rows.length;
    }

    /** The values of a padded [size x length] array at the real tokens, in packed order. */
    int[] take(int[] padded) {
        int[] out = new int[rows.length];
        for (int t = 0; t < rows.length; t++) {
            out[t] = padded[rows[t]];
        }
        return out;
    }
}
