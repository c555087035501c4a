package dev.polarity.engine;

import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.kernels.VectorSupport;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The engine's process-wide switches, set in one place by whoever starts it (the server from its
 * settings, a command from its options, a test or benchmark directly), never read from system
 * properties behind the caller's back.
 */
public final class Engine {
    private Engine() {}

    /** {@code vectorKernels}: the jdk.incubator.vector kernels where present, else the scalar twins; {@code threads}: kernel pool size. */
    public record Settings(boolean vectorKernels, int threads) {
        public Settings {
            if (threads < 1) {
                throw new IllegalArgumentException("engine threads must be >= 1, got " + threads);
            }
        }

        /** Vector kernels on, one kernel thread per core. */
        public static Settings defaults() {
            return new Settings(true, Runtime.getRuntime().availableProcessors());
        }
    }

    public static synchronized void configure(Settings settings) {
        VectorSupport.setEnabled(settings.vectorKernels());
        if (Parallel.threads() != settings.threads()) {
            Parallel.setThreads(settings.threads());
        }
    }

    /** What is in force: vector kernels only where the module is present and they were not switched off. */
    public static Settings current() {
        return new Settings(VectorSupport.enabled(), Parallel.threads());
    }

    /**
     * Runs {@code work} on the calling thread as background work (explanations beside a server's
     * inference thread): before each parallel kernel it waits while {@code busy} is true, at most
     * {@code maxWait} at a time, leaving the cores to the urgent work. Nestable; other threads are
     * not affected.
     */
    public static <T> T inBackground(BooleanSupplier busy, Duration maxWait, Supplier<T> work) {
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        return Parallel.deferring(busy, maxWait.toNanos(), work);
    }

    /**
     * Runs {@code work} on the calling thread as one of several threads that run passes side by
     * side (a server's consumers): while another such thread is inside, this thread's kernels run
     * on it alone; a thread alone still gets every core. Nestable; other threads are not affected.
     */
    public static <T> T sideBySide(Supplier<T> work) {
        return Parallel.sideBySide(work);
    }

    /** Whether the calling thread's kernels run on it alone now, because another pass runs beside it. */
    public static boolean runningBesideAnother() {
        return Parallel.alone();
    }

    /** Whether jdk.incubator.vector was added to this JVM (--add-modules), whatever the switch says. */
    public static boolean vectorApiAvailable() {
        return VectorSupport.available();
    }
}
