package dev.polarity.engine.tensor;

import dev.polarity.engine.kernels.PackedB;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Packed GEMM panels of the weights the fused linear op multiplies by, kept per storage and
 * rebuilt when its version changes (an optimizer step bumps it). In eval() with grad on, as
 * explanations run, the weights never change, so no pass repacks them; in training each step's
 * packing is done once for the forward and once for the backward, as before. Keys are weak: a
 * weight that is gone takes its panels with it.
 */
final class PackCache {
    private record Entry(int version, PackedB packed) {}

    private static final Map<Storage, Entry> TRANSPOSED = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<Storage, Entry> PLAIN = Collections.synchronizedMap(new WeakHashMap<>());

    private PackCache() {}

    /** W^T packed, for y = x W^T with W [out, in]. */
    static PackedB transposed(Tensor w) {
        return cached(TRANSPOSED, w, true);
    }

    /** W packed as it is, for dX = dY W. */
    static PackedB plain(Tensor w) {
        return cached(PLAIN, w, false);
    }

    /** Weights stacked row after row, as they were when packed (weakly: the cache keeps no weight alive). */
    private record Stack(WeakReference<Storage>[] storages, int[] versions, float[] rows, PackedB packed) {
        boolean holds(Tensor[] ws) {
            if (storages.length != ws.length) {
                return false;
            }
            for (int j = 0; j < ws.length; j++) {
                if (storages[j].get() != ws[j].storage || versions[j] != ws[j].version()) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final Map<Storage, Stack> STACKED_TRANSPOSED = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<Storage, Stack> STACKED_PLAIN = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Weights [out_j, in] stacked into one [sum out_j, in], packed transposed (for y = x W^T) or as it
     * is (for dX = dY W); cached under the first weight while none of them changes, repacked into
     * the same arrays when one does.
     */
    @SuppressWarnings("unchecked")
    static PackedB stacked(Tensor[] ws, boolean transposed) {
        Map<Storage, Stack> cache = transposed ? STACKED_TRANSPOSED : STACKED_PLAIN;
        Stack e = cache.get(ws[0].storage);
        if (e != null && e.holds(ws)) {
            return e.packed();
        }
        int in = ws[0].size(1);
        int total = 0;
        for (Tensor w : ws) {
            total += w.size(0);
        }
        float[] rows = e != null && e.rows().length == total * in ? e.rows() : new float[total * in];
        WeakReference<Storage>[] storages = new WeakReference[ws.length];
        int[] versions = new int[ws.length];
        int at = 0;
        for (int j = 0; j < ws.length; j++) {
            Strided.copyTo(ws[j], rows, at);
            at += ws[j].numel();
            storages[j] = new WeakReference<>(ws[j].storage);
            versions[j] = ws[j].version();
        }
        PackedB old = e == null ? null : e.packed();
        PackedB packed = transposed ? PackedB.ofTransposed(rows, 0, total, in, old) : PackedB.of(rows, 0, total, in, in, old);
        cache.put(ws[0].storage, new Stack(storages, versions, rows, packed));
        return packed;
    }

    private static PackedB cached(Map<Storage, Entry> cache, Tensor w, boolean transposed) {
        int out = w.size(0);
        int in = w.size(1);
        boolean whole = w.isContiguous() && w.offset == 0 && w.storage.data.length == w.numel();
        if (!whole) {
            float[] d = w.contiguousCopyData();
            return transposed ? PackedB.ofTransposed(d, 0, out, in) : PackedB.of(d, 0, out, in, in);
        }
        Entry e = cache.get(w.storage);
        int version = w.version();
        if (e == null || e.version() != version) {
            // After an optimizer step the old panels are repacked in place: the weight they held
            // is gone, and a pass still reading them would be racing that step anyway.
            PackedB old = e == null ? null : e.packed();
            float[] d = w.storage.data;
            e = new Entry(version, transposed ? PackedB.ofTransposed(d, 0, out, in, old) : PackedB.of(d, 0, out, in, in, old));
            cache.put(w.storage, e);
        }
        return e.packed();
    }
}
