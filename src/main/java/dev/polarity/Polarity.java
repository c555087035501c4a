package dev.polarity;

import dev.polarity.cli.Cli;
import dev.polarity.serving.PolarityServer;
import java.io.PrintWriter;
import java.util.Set;

/**
 * Entry point of {@code java -jar polarity.jar}: the {@code polarity} command line (see
 * {@link Cli}). With no arguments, or with Spring Boot options alone ({@code --server.port=9000}),
 * it starts the service, as the image and the Kubernetes manifests run it.
 */
public final class Polarity {
    private static final Set<String> OWN_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    private Polarity() {}

    public static void main(String[] args) {
        if (args.length == 0 || args[0].startsWith("--") && !OWN_OPTIONS.contains(args[0])) {
            PolarityServer.start(args);
            return; // the server keeps the JVM alive through its own non-daemon threads
        }
        if (!args[0].equals("serve") && System.getProperty("logback.configurationFile") == null) {
            // Before the first logger exists: library logs must not mix into a command's output.
            System.setProperty("logback.configurationFile", "logback-cli.xml");
        }
        int status = Cli.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        if (status != Cli.SERVING) {
            System.exit(status);
        }
    }
}
