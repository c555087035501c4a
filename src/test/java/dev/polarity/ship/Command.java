package dev.polarity.ship;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion (stdout and stderr together), killing it past a time limit. */
record Command(int exitCode, String output) {

    static Command run(Path workDir, Duration limit, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("polarity-command", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + limit + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Command(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    Command ok(String what) {
        if (exitCode != 0) {
            throw new AssertionError(what + " exited with " + exitCode + ":\n" + output);
        }
        return this;
    }
}
