package dev.polarity;

import dev.polarity.cli.Args;
import dev.polarity.model.OnnxImport;
import dev.polarity.train.EvaluateCommand;
import dev.polarity.train.TrainCommand;
import java.util.Arrays;

/** Entry point: {@code import}, {@code train} and {@code evaluate} commands. */
public final class Polarity {
    private Polarity() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: polarity import|train|evaluate [options]");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "import" -> OnnxImport.command(rest);
                case "train" -> TrainCommand.run(rest);
                case "evaluate" -> EvaluateCommand.run(rest);
                default -> {
                    System.err.println("polarity: unknown command '" + args[0] + "' (import, train, evaluate)");
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            System.err.println("polarity " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }
}
