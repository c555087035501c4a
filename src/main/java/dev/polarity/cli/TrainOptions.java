package dev.polarity.cli;

import dev.polarity.train.TrainSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** train's option groups, one per {@link TrainSettings} record, so --help lists them under headings. */
final class TrainOptions {
    private TrainOptions() {}

    static final class Optimisation {
        @Option(paramLabel = "X", names = "--lr", defaultValue = "1e-4", description = "peak learning rate (AdamW)")
        float lr;

        @Option(paramLabel = "X", names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay")
        float weightDecay;

        @Option(paramLabel = "X", names = "--clip", defaultValue = "1.0", description = "gradient norm clip")
        float clip;

        @Option(paramLabel = "X", names = "--layer-decay", defaultValue = "1", description = "below 1: encoder layer i of L learns at lr * d^(L - i)")
        float layerDecay;

        @Option(paramLabel = "X", names = "--ema", defaultValue = "0", description = "decay of a weight average scored beside the live weights (0: off)")
        float ema;

        @Option(paramLabel = "X", names = "--rdrop", defaultValue = "0", description = "R-Drop weight: two dropout masks per batch (0: off)")
        float rdrop;

        @Option(names = "--no-freeze-embeddings", description = "train the word-embedding table too (frozen by default)")
        boolean noFreeze;

        TrainSettings.Optimisation toRecord() {
            return new TrainSettings.Optimisation(lr, weightDecay, clip, layerDecay, ema, rdrop, !noFreeze);
        }
    }

    static final class Schedule {
        @Option(paramLabel = "N", names = "--epochs", defaultValue = "2", description = "passes over the training set")
        int epochs;

        @Option(paramLabel = "N", names = "--batch", defaultValue = "32", description = "examples per step")
        int batch;

        @Option(paramLabel = "X", names = "--warmup", defaultValue = "0.06", description = "share of steps warming the learning rate up")
        float warmup;

        @Option(paramLabel = "N", names = "--eval-every", defaultValue = "500", description = "steps between dev evaluations")
        int evalEvery;

        @Option(paramLabel = "N", names = "--checkpoint-every", defaultValue = "100", description = "steps between checkpoints")
        int checkpointEvery;

        TrainSettings.Schedule toRecord() {
            return new TrainSettings.Schedule(epochs, batch, warmup, evalEvery, checkpointEvery);
        }
    }

    static final class Distillation {
        @Option(names = "--teacher", paramLabel = "DIR", description = "model folder whose predictions the student learns from")
        Path teacher;

        @Option(paramLabel = "X", names = "--distill", defaultValue = "0.5", description = "the teacher's share of the loss")
        float distill;

        @Option(paramLabel = "X", names = "--temperature", defaultValue = "2", description = "softens both predictions")
        float temperature;

        TrainSettings.Distillation toRecord() {
            return new TrainSettings.Distillation(teacher, distill, temperature);
        }
    }

    static final class Augmentation {
        @Option(paramLabel = "X", names = "--augment", defaultValue = "0", description = "share of examples replaced by word-swapped copies (needs --teacher)")
        float augment;

        @Option(paramLabel = "X", names = "--detokenize", defaultValue = "0.5", description = "share of examples shown as ordinary text (doesn't, not does n't)")
        float detokenize;

        TrainSettings.Augmentation toRecord() {
            return new TrainSettings.Augmentation(augment, detokenize);
        }
    }
}
