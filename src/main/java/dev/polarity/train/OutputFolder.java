package dev.polarity.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/**
 * Where {@code train} writes its model. A run saves its best weights as it goes, so pointed at a
 * folder that already holds a model (the shipped one, say) it would replace it within minutes,
 * long before anyone could compare the two: an occupied folder is refused unless the user says
 * {@code --overwrite}, or unless the run is resuming from its own checkpoint.
 */
public final class OutputFolder {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private OutputFolder() {}

    /** A new folder under {@code runs/} (ignored by git), named after the time the run started. */
    public static Path fresh(Path runs, LocalDateTime now) {
        Path candidate = runs.resolve("run-" + now.format(STAMP));
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = runs.resolve("run-" + now.format(STAMP) + "-" + n);
        }
        return candidate;
    }

    /** Why the run must not write into {@code out}, or null when it may. */
    public static String refusal(Path out, Path checkpoints, boolean overwrite) throws IOException {
        if (overwrite || !Files.exists(out)) {
            return null;
        }
        if (!Files.isDirectory(out)) {
            return out + " exists and is not a folder";
        }
        if (Files.isRegularFile(checkpoints.resolve(Checkpoint.FILE))) {
            return null; // the same run again: it resumes, and the folder holds its own best so far
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isEmpty()) {
                return null;
            }
        }
        return out + " already holds files (a model?); pass --overwrite to replace them, or leave --out out to write a new folder under runs/";
    }
}
