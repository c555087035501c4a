package dev.polarity.cli;

import dev.polarity.cli.predict.Format;
import dev.polarity.cli.predict.ModelScorer;
import dev.polarity.cli.predict.Pipeline;
import dev.polarity.cli.predict.ProgressLine;
import dev.polarity.cli.predict.Row;
import dev.polarity.cli.predict.RowReader;
import dev.polarity.cli.predict.RowWriter;
import dev.polarity.cli.predict.StopOnClosedOutput;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.TextEncoder;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code predict --in FILE|- [--out FILE] [--format tsv|csv|jsonl] [--text-column NAME]}: scores a file of texts. */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Version.class, showDefaultValues = true,
        sortOptions = false,
        description = {"Scores every text of a file (or standard input) and writes one line per input row, in order: "
            + "line number, label, score and each label's probability; a row that cannot be read is reported on stderr "
            + "by line number and keeps its line, with the reason in the last column.",
            "TSV and CSV need a header line naming the text column; JSON lines hold an object with that field, or a string."})
final class PredictCommand implements Callable<Integer> {
    /** Malformed rows spelled out on stderr; the rest are counted (and each keeps its output line). */
    private static final int REPORTED = 20;
    /** Batches read ahead and sorted by length together: less padding, memory still bounded. */
    private static final int WINDOW_BATCHES = 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "models/polarity-sst2-minilm", paramLabel = "DIR", description = "model folder")
    Path model;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "input file, or - for standard input")
    String in;

    @Option(names = "--out", paramLabel = "FILE", description = "output file (default: standard output)")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "tsv, csv or jsonl, for input and output (default: from --in's extension, else tsv)")
    Format format;

    @Option(names = "--text-column", paramLabel = "NAME",
            description = "column (or JSON field) holding the text (default: text, content or sentence)")
    String textColumn;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "texts per forward pass")
    int batch;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + TextEncoder.DEFAULT_MAX_TOKENS,
            description = "tokens per text, longer ones truncated")
    int maxTokens;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || maxTokens < 2) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1 and --max-tokens at least 2");
        }
        Format f = format != null ? format : fromExtension(in);
        boolean stdin = in.equals("-");
        PrintWriter err = spec.commandLine().getErr();
        try (InputStream input = new BufferedInputStream(stdin ? System.in : Files.newInputStream(Path.of(in)), 1 << 16)) {
            RowReader rows;
            try {
                rows = new RowReader(input, f, textColumn);
            } catch (IllegalArgumentException e) {
                throw new IOException((stdin ? "stdin" : in) + ": " + e.getMessage());
            }
            try (ModelFiles.Loaded m = ModelFiles.loadClassifier(model, maxTokens);
                 Writer output = out == null ? null : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                Writer sink = output != null ? output : new BufferedWriter(new StopOnClosedOutput(spec.commandLine().getOut()), 1 << 16);
                RowWriter writer = new RowWriter(sink, f, m.model().labels());
                long size = stdin ? -1 : Files.size(Path.of(in));
                ProgressLine progress = new ProgressLine(err, out != null && System.console() != null, size, System::nanoTime);
                String name = stdin ? "stdin" : Path.of(in).getFileName().toString();
                long[] reported = {0};
                Pipeline.Summary s = new Pipeline(rows, writer, new ModelScorer(m.model(), m.tokenizer(), batch),
                        batch * WINDOW_BATCHES, row -> report(err, name, row, reported), progress).run();
                if (s.malformed() > REPORTED) {
                    err.printf("%s: %d more malformed rows not listed (each has its line in the output, with the reason)%n",
                            name, s.malformed() - REPORTED);
                }
                progress.finish(s.rows(), s.malformed());
            }
        }
        return 0;
    }

    private static void report(PrintWriter err, String name, Row row, long[] reported) {
        if (reported[0]++ < REPORTED) {
            err.println(name + ":" + row.line() + ": " + row.error() + " (skipped)");
        }
    }

    static Format fromExtension(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return Format.CSV;
        }
        return lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json") ? Format.JSONL : Format.TSV;
    }
}
