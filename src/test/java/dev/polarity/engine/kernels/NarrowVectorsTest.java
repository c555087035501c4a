package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The kernels take the CPU's widest vectors; {@code -Dpolarity.vector.bits=256} caps them, and an
 * AVX2 machine runs that width anyway. The species is fixed when the kernels load, so this test
 * runs the kernel tests (vector twin against scalar twin) again in a child JVM with the cap.
 */
class NarrowVectorsTest {
    private static final List<Class<?>> KERNEL_TESTS = List.of(PackedGemmTest.class, VectorGemmTest.class,
            RowsTest.class, RowGradsTest.class, UpdatesTest.class);

    @Test
    void theKernelTestsPassWith256BitVectors(@TempDir Path dir) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-D" + VectorGemm.BITS_PROPERTY + "=256",
                "-cp", System.getProperty("java.class.path"), Child.class.getName());
        // Output to a file, read after the wait: reading the pipe first would block past the timeout on a hung child.
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = child.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as(output).isTrue();
        assertThat(output).contains("vector bits: 256").contains("tests failed: 0");
        assertThat(child.exitValue()).as(output).isZero();
    }

    /** The child JVM: runs {@link #KERNEL_TESTS} and exits non-zero if any fails or none ran. */
    static final class Child {
        public static void main(String[] args) throws IOException {
            System.out.println("vector bits: " + VectorGemm.S.vectorBitSize() + ", packed panel: " + PackedB.PANEL);
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
            KERNEL_TESTS.forEach(c -> request.selectors(selectClass(c)));
            LauncherDiscoveryRequest built = request.build();
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(built, listener);
            TestExecutionSummary summary = listener.getSummary();
            summary.getFailures().forEach(f -> System.out.println(f.getTestIdentifier().getDisplayName() + ": " + f.getException()));
            System.out.println("tests run: " + summary.getTestsSucceededCount() + ", tests failed: " + summary.getTotalFailureCount());
            System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0 ? 0 : 1);
        }
    }
}
