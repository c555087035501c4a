package dev.polarity.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Builds the {@code polarity} command line and runs it. Every failure ends in one line on stderr
 * and an exit status, never a stack trace: 2 for a usage error (with the closest option when the
 * user mistyped one), 1 when data or a model cannot be read or written.
 */
public final class Cli {
    /** What {@code serve} returns: the server runs on its own threads, so the JVM must not exit. */
    public static final int SERVING = -1;
    public static final int USAGE = CommandLine.ExitCode.USAGE;
    public static final int FAILED = CommandLine.ExitCode.SOFTWARE;

    private Cli() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new PolarityCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(Cli::usageError);
        cli.setExecutionExceptionHandler((e, command, parsed) -> failed(e, command));
        return cli;
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String message = flat(e.getMessage());
        // picocli reports missing required options before unknown ones, but "--trian" is the
        // mistake to point at when --train is then missing: report the unknown option first.
        String unknown = e instanceof UnmatchedArgumentException ? null : unknownOption(command, args);
        if (unknown != null) {
            e = new UnmatchedArgumentException(command, List.of(unknown));
            message = "Unknown option: '" + unknown + "'";
        }
        if (e instanceof UnmatchedArgumentException u && !command.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            message = "Unknown command: '" + u.getUnmatched().get(0) + "'";
        }
        if (e instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += " (did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?)";
            }
        }
        String name = command.getCommandSpec().qualifiedName();
        command.getErr().println(name + ": " + message + "; see '" + name + " --help'");
        return USAGE;
    }

    private static String unknownOption(CommandLine command, String[] args) {
        var known = command.getCommandSpec().optionsMap();
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (name.startsWith("-") && name.length() > 1 && !known.containsKey(name) && !isNumber(name)) {
                return name;
            }
        }
        return null;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int failed(Exception e, CommandLine command) {
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + oneLine(e));
        return FAILED;
    }

    /** NIO exceptions often carry only a path as message; their type is the rest of the story. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? "" : flat(e.getMessage());
        if (e instanceof NoSuchFileException) {
            return message.endsWith("no such file") ? message : "no such file: " + message;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + message;
        }
        boolean bare = e instanceof FileSystemException fs && fs.getReason() == null || message.isEmpty();
        return bare ? e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message) : message;
    }

    private static String flat(String message) {
        return String.join("; ", message.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }
}
