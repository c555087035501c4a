package dev.polarity.cli;

import dev.polarity.engine.io.DType;
import dev.polarity.model.BertConfig;
import dev.polarity.model.ModelFiles;
import dev.polarity.train.OutputFolder;
import dev.polarity.train.TrainSettings;
import dev.polarity.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code train --train FILE --dev FILE [options]}: fine-tunes a classifier. The options are shown
 * in the same four groups as {@link TrainSettings}'s records; docs/training.md says what each run
 * of them scored.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.class, showDefaultValues = true,
        sortOptions = false,
        description = {"Fine-tunes a sentiment classifier on labelled TSV files; the best dev accuracy is saved as it improves.",
            "Without --out it writes a new folder under runs/. A folder that already holds files is refused unless "
                + "--overwrite is given, or unless the run resumes from its own checkpoint (the same command again after a stop)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "training TSV (label<TAB>text)")
    Path train;

    @Option(names = "--dev", required = true, paramLabel = "FILE", description = "dev TSV, scored at every evaluation")
    Path dev;

    @Option(names = "--base", defaultValue = "models/all-minilm-l6-v2", paramLabel = "DIR", description = "pretrained encoder (see 'polarity import'), or a model folder written by train")
    Path base;

    @Option(names = "--out", paramLabel = "DIR", description = "model folder to write (default: runs/run-<date>-<time>)")
    Path out;

    @Option(names = "--overwrite", description = "allow --out to be a folder that already holds files")
    boolean overwrite;

    @Option(names = "--checkpoints", paramLabel = "DIR", description = "resumable state (default: checkpoints/<name of --out>)")
    Path checkpoints;

    @Option(paramLabel = "N", names = "--seed", defaultValue = "42", description = "shuffling, dropout and augmentation")
    long seed;

    @Option(paramLabel = "N", names = "--max-tokens", defaultValue = "128", description = "tokens per training text")
    int maxTokens;

    @Option(paramLabel = "TYPE", names = "--dtype", defaultValue = "F16", description = "saved weights: ${COMPLETION-CANDIDATES}")
    DType dtype;

    @Option(paramLabel = "N", names = "--limit", defaultValue = "0", description = "first N training examples only, for trials (0: all)")
    int limit;

    @Option(paramLabel = "N", names = "--validation", defaultValue = "0",
            description = "hold N training examples out (drawn by --seed) to choose the saved step and fit the temperature;"
                    + " dev is then scored once, at the end (0: dev chooses, no temperature)")
    int validation;

    @Option(paramLabel = "N", names = "--layers", defaultValue = "0",
            description = "keep only the base's first N encoder layers: a shallower, faster student (0: all)")
    int layers;

    @ArgGroup(validate = false, heading = "%nOptimisation%n")
    TrainOptions.Optimisation optimisation = new TrainOptions.Optimisation();

    @ArgGroup(validate = false, heading = "%nSchedule%n")
    TrainOptions.Schedule schedule = new TrainOptions.Schedule();

    @ArgGroup(validate = false, heading = "%nDistillation%n")
    TrainOptions.Distillation distillation = new TrainOptions.Distillation();

    @ArgGroup(validate = false, heading = "%nAugmentation%n")
    TrainOptions.Augmentation augmentation = new TrainOptions.Augmentation();

    TrainSettings settings() {
        Path target = out != null ? out : OutputFolder.fresh(Path.of("runs"), LocalDateTime.now());
        Path state = checkpoints != null ? checkpoints : Path.of("checkpoints").resolve(target.getFileName());
        try {
            return new TrainSettings(base, train, dev, target, state, seed, maxTokens, dtype, limit, validation, layers,
                    optimisation.toRecord(), schedule.toRecord(), distillation.toRecord(), augmentation.toRecord());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws IOException {
        TrainSettings s = settings();
        String refusal = OutputFolder.refusal(s.out(), s.checkpoints(), overwrite);
        if (refusal != null) {
            throw new IOException(refusal);
        }
        if (!Files.isRegularFile(s.base().resolve("model.safetensors"))) {
            throw new IOException("no base model at " + s.base() + " (run 'polarity import' first, see docs/training.md)");
        }
        int depth = BertConfig.read(s.base().resolve(ModelFiles.CONFIG)).numHiddenLayers();
        if (s.layers() > depth) {
            throw new ParameterException(spec.commandLine(), "--layers " + s.layers() + ": the base has " + depth + " layers");
        }
        Path teacher = s.distillation().teacher();
        if (teacher != null && !Files.isRegularFile(teacher.resolve("model.safetensors"))) {
            throw new IOException("no teacher model at " + teacher + " (a folder written by 'polarity train')");
        }
        System.out.println("writing the model to " + s.out());
        new Trainer(s, System.out).run();
        return 0;
    }
}
