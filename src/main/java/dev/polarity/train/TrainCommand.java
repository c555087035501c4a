package dev.polarity.train;

import dev.polarity.cli.Args;
import dev.polarity.engine.io.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** {@code train --train FILE --dev FILE [--out DIR] [options]}: see the README for the full list. */
public final class TrainCommand {
    private TrainCommand() {}

    public static int run(String[] argv) {
        Args a = new Args(argv, Set.of("no-freeze-embeddings", "overwrite"));
        Path out = a.path("out", null);
        if (out == null) {
            out = OutputFolder.fresh(Path.of("runs"), java.time.LocalDateTime.now());
        }
        boolean overwrite = a.flag("overwrite");
        TrainSettings s;
        try {
            s = new TrainSettings(
                    a.path("base", "models/all-minilm-l6-v2"), a.path("train", null), a.path("dev", null), out,
                    a.path("checkpoints", "checkpoints/" + out.getFileName()), a.integer("epochs", 2),
                    a.integer("batch", 32), a.number("lr", 1e-4f), a.number("warmup", 0.06f), a.number("weight-decay", 0.01f),
                    a.number("clip", 1.0f), a.integer("eval-every", 500), a.integer("checkpoint-every", 100),
                    a.integer("seed", 42), a.integer("max-tokens", 128),
                    DType.valueOf(a.string("dtype", "F16").toUpperCase(Locale.ROOT)), !a.flag("no-freeze-embeddings"),
                    a.number("detokenize", 0.5f), a.number("ema", 0f), a.number("layer-decay", 1f), a.number("rdrop", 0f),
                    a.path("teacher", null), a.number("distill", 0.5f), a.number("temperature", 2f),
                    a.number("augment", 0f), a.integer("limit", 0));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        a.rejectUnknown();
        if (s.train() == null || s.dev() == null) {
            throw new Args.UsageException("--train and --dev are required");
        }
        try {
            String refusal = OutputFolder.refusal(s.out(), s.checkpoints(), overwrite);
            if (refusal != null) {
                System.err.println("polarity train: " + refusal);
                return 1;
            }
        } catch (IOException e) {
            System.err.println("polarity train: " + e.getMessage());
            return 1;
        }
        if (!Files.isRegularFile(s.base().resolve("model.safetensors"))) {
            System.err.println("polarity train: no base model at " + s.base() + " (run 'polarity import' first, see README)");
            return 1;
        }
        if (s.teacher() != null && !Files.isRegularFile(s.teacher().resolve("model.safetensors"))) {
            System.err.println("polarity train: no teacher model at " + s.teacher() + " (a folder written by 'polarity train')");
            return 1;
        }
        try {
            System.out.println("writing the model to " + s.out());
            new Trainer(s, System.out).run();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("polarity train: " + e.getMessage());
            return 1;
        }
    }
}
