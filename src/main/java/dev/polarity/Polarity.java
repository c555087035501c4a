package dev.polarity;

import dev.polarity.cli.Args;
import dev.polarity.explain.ExplainEval;
import dev.polarity.model.OnnxImport;
import dev.polarity.serving.PolarityServer;
import dev.polarity.train.EvaluateCommand;
import dev.polarity.train.TrainCommand;
import java.util.Arrays;

/**
 * Entry point: with no arguments or {@code serve} it starts the sentiment service (arguments after
 * {@code serve}, or {@code --options} alone, go to Spring Boot, e.g. {@code --server.port=9000});
 * {@code import}, {@code train} and {@code evaluate} are one-shot commands.
 */
public final class Polarity {
    private Polarity() {}

    public static void main(String[] args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            PolarityServer.start(args);
            return; // the server keeps the JVM alive through its own non-daemon threads
        }
        if (args[0].equals("serve")) {
            PolarityServer.start(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: polarity [serve]|import|train|evaluate|explain-eval [options]");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "import" -> OnnxImport.command(rest);
                case "train" -> TrainCommand.run(rest);
                case "evaluate" -> EvaluateCommand.run(rest);
                case "explain-eval" -> ExplainEval.command(rest);
                default -> {
                    System.err.println("polarity: unknown command '" + args[0] + "' (serve, import, train, evaluate, explain-eval)");
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            System.err.println("polarity " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }
}
