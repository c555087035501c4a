package dev.polarity.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code polarity} command line in-process and keeps what it printed. */
public record CliRun(int status, String out, String err) {
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Cli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** stderr is exactly one line: what a user sees for any failure. */
    public boolean oneErrorLine() {
        return !err.isBlank() && !err.strip().contains("\n") && !err.contains("Exception") && !err.contains("\tat ");
    }

    /** The command line refuses {@code args} as a usage error: status 2, one line naming {@code expected}. */
    public static void assertUsageError(String expected, String... args) {
        CliRun r = run(args);
        org.assertj.core.api.Assertions.assertThat(r.status()).as(r.err()).isEqualTo(Cli.USAGE);
        org.assertj.core.api.Assertions.assertThat(r.err()).contains(expected);
        org.assertj.core.api.Assertions.assertThat(r.oneErrorLine()).as(r.err()).isTrue();
    }
}
