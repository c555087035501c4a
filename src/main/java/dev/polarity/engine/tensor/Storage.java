package dev.polarity.engine.tensor;

/**
 * The flat float buffer behind a tensor and all of its views. The version counter is bumped by
 * every in-place write so autograd can tell when a tensor it saved for backward was changed.
 */
public final class Storage {
    final float[] data;
    private int version;

    Storage(float[] data) {
        this.data = data;
    }

    /** Number of floats in the buffer (views may use only part of it). */
    public int capacity() {
        return data.length;
    }

    public int version() {
        return version;
    }

    void bump() {
        version++;
    }
}
