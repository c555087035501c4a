package dev.polarity.engine.io;

/**
 * The element types Polarity reads and writes in safetensors files. The engine computes in
 * float32 only, so F16 and BF16 exist purely as storage formats: widened on read, rounded
 * (to nearest, ties to even) on write.
 */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element on disk. */
    public int bytes() {
        return bytes;
    }

    /** The dtype spelled as in a safetensors header, or null when we do not support it. */
    static DType fromHeaderName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
