package dev.polarity.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code polarity}: the top of the command tree; on its own it only prints its help. */
@Command(name = "polarity", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Sentiment analysis on a Java tensor engine: a service and the commands that make and use its model.",
        subcommands = {ServeCommand.class, ImportCommand.class, TrainCommand.class, EvaluateCommand.class,
            PredictCommand.class, ExplainEvalCommand.class, CalibrateCommand.class, HelpCommand.class},
        footer = {"", "With no command, or with Spring Boot options only (--server.port=9000), polarity serves."})
final class PolarityCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
