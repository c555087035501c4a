package dev.polarity.serving.metrics;

/** Whatever holds the inference queue reports its depth through this, so metrics need not know it. */
public interface QueueDepth {
    int queuedTexts();
}
