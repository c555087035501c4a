package dev.polarity.train;

import dev.polarity.cli.Args;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.TextEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import tools.jackson.databind.ObjectMapper;

/** {@code evaluate --model DIR --data FILE [--batch N] [--json]}: accuracy, per-class P/R/F1, confusion, examples/s. */
public final class EvaluateCommand {
    private EvaluateCommand() {}

    public static int run(String[] argv) {
        Args a = new Args(argv, Set.of("json"));
        Path model = a.path("model", "models/polarity-sst2-minilm");
        Path data = Path.of(a.required("data"));
        int batch = a.integer("batch", 32);
        int maxTokens = a.integer("max-tokens", TextEncoder.DEFAULT_MAX_TOKENS);
        boolean json = a.flag("json");
        a.rejectUnknown();
        if (batch < 1) {
            throw new Args.UsageException("--batch must be at least 1");
        }
        try {
            TsvReader.Result r = TsvReader.read(data);
            if (r.skipped() > 0) {
                System.err.printf("%s: skipped %d malformed lines%n", data, r.skipped());
                r.problems().forEach(p -> System.err.println("  " + p));
            }
            try (ModelFiles.Loaded m = ModelFiles.loadClassifier(model, maxTokens)) {
                Metrics metrics = Evaluator.evaluate(m.model(), m.tokenizer(), r.examples(), batch);
                if (json) {
                    var root = new java.util.LinkedHashMap<String, Object>();
                    root.put("model", m.name());
                    root.put("data", data.toString());
                    root.put("skipped_lines", r.skipped());
                    root.putAll(metrics.toMap());
                    System.out.println(new ObjectMapper().writeValueAsString(root));
                } else {
                    System.out.print("model " + m.name() + ", data " + data + "\n" + metrics.format());
                }
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("polarity evaluate: " + e.getMessage());
            return 1;
        }
    }
}
