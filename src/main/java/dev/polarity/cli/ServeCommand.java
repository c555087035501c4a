package dev.polarity.cli;

import dev.polarity.serving.PolarityServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code serve [--spring.option=value ...]}: the service; everything after the command goes to Spring Boot. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs the sentiment service (POST /predict, actuator endpoints) on port 8080.",
            "Every other argument is a Spring Boot option, e.g. --server.port=9000 or --polarity.model-path=DIR;",
            "the settings are listed in the README."})
final class ServeCommand implements Callable<Integer> {
    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() {
        PolarityServer.start(springArgs.toArray(String[]::new));
        return Cli.SERVING;
    }
}
