package dev.polarity.engine.tensor;

import dev.polarity.engine.kernels.PackedB;
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
