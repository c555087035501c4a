package dev.polarity.cli;

import dev.polarity.model.ModelFiles;
import dev.polarity.model.TextEncoder;
import dev.polarity.train.Evaluator;
import dev.polarity.train.Metrics;
import dev.polarity.train.TsvReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.ObjectMapper;

/** {@code evaluate --data FILE [--model DIR] [--batch N] [--json]}: accuracy, per-class P/R/F1, confusion, examples/s. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Version.class, showDefaultValues = true,
        description = "Scores a model on a labelled TSV (header, then label<TAB>text, label 0 or 1, as SST-2).")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "models/polarity-sst2-minilm", paramLabel = "DIR", description = "model folder")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "labelled TSV")
    Path data;

    @Option(paramLabel = "N", names = "--batch", defaultValue = "32", description = "texts per forward pass")
    int batch;

    @Option(paramLabel = "N", names = "--max-tokens", defaultValue = "" + TextEncoder.DEFAULT_MAX_TOKENS, description = "tokens per text, longer ones truncated")
    int maxTokens;

    @Option(names = "--json", description = "one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || maxTokens < 2) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1 and --max-tokens at least 2");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TsvReader.Result r = TsvReader.read(data);
        if (r.skipped() > 0) {
            err.printf("%s: skipped %d malformed lines%n", data, r.skipped());
            r.problems().forEach(p -> err.println("  " + p));
        }
        try (ModelFiles.Loaded m = ModelFiles.loadClassifier(model, maxTokens)) {
            Metrics metrics = Evaluator.evaluate(m.model(), m.tokenizer(), r.examples(), batch);
            if (json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("model", m.name());
                root.put("data", data.toString());
                root.put("skipped_lines", r.skipped());
                root.putAll(metrics.toMap());
                out.println(new ObjectMapper().writeValueAsString(root));
            } else {
                out.print("model " + m.name() + ", data " + data + "\n" + metrics.format());
            }
        }
        return 0;
    }
}
