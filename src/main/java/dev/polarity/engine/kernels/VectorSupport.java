package dev.polarity.engine.kernels;

import java.util.function.IntSupplier;

/**
 * Decides whether the jdk.incubator.vector kernels can run. Vector classes are only ever loaded
 * by name through here, so the engine still works (on the scalar twins) when the module is absent.
 * {@link dev.polarity.engine.Engine#configure} can force the scalar path.
 */
public final class VectorSupport {
    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static volatile boolean enabled = PRESENT;
    /** Floats per vector of the kernels' species; 8 without the module, so packed weights keep one layout. */
    private static final int FLOAT_LANES = lanes();

    private VectorSupport() {}

    public static boolean available() {
        return PRESENT;
    }

    public static boolean enabled() {
        return enabled;
    }

    /** Switches between the vector and scalar paths at run time (tests and benchmarks compare them). */
    public static void setEnabled(boolean on) {
        enabled = on && PRESENT;
    }

    /** How many floats one vector of the kernels holds; {@link PackedB}'s panels are three of them wide. */
    public static int floatLanes() {
        return FLOAT_LANES;
    }

    private static int lanes() {
        IntSupplier lanes = load("dev.polarity.engine.kernels.VectorLanes", IntSupplier.class);
        return lanes == null ? 8 : lanes.getAsInt();
    }

    static <T> T load(String className, Class<T> type) {
        if (!PRESENT) {
            return null;
        }
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
