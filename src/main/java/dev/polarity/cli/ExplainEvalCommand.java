package dev.polarity.cli;

import dev.polarity.explain.ExplainEval;
import dev.polarity.explain.Explainer;
import dev.polarity.explain.PieceTokenizer;
import dev.polarity.model.ModelFiles;
import dev.polarity.train.Example;
import dev.polarity.train.TsvReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code explain-eval}: ERASER comprehensiveness and sufficiency of each explanation method on a labelled TSV. */
@Command(name = "explain-eval", mixinStandardHelpOptions = true, versionProvider = Version.class, showDefaultValues = true,
        description = "Measures how faithful the explanations are: the drop in the predicted class's probability when the "
                + "top words by attribution are deleted (comprehensiveness) or kept alone (sufficiency), per method, "
                + "against deleting random words.")
final class ExplainEvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "models/polarity-sst2-minilm", paramLabel = "DIR", description = "model folder")
    Path model;

    @Option(names = "--data", defaultValue = "../shared/data/sst2/dev.tsv", paramLabel = "FILE", description = "labelled TSV (SST-2 dev)")
    Path data;

    @Option(names = "--limit", defaultValue = "2147483647", paramLabel = "N", description = "first N sentences only")
    int limit;

    @Option(names = "--steps", defaultValue = "32", paramLabel = "N", description = "integrated-gradients steps")
    int steps;

    @Option(names = "--fraction", defaultValue = "0.2", paramLabel = "F", description = "share of words deleted or kept")
    double fraction;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "seed of the random-deletion baseline")
    long seed;

    @Option(names = "--max-pass-tokens", defaultValue = "" + Explainer.DEFAULT_MAX_PASS_TOKENS, paramLabel = "N",
            description = "rows x tokens per recorded pass")
    int maxPassTokens;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the table here")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (steps < 1 || limit < 1 || maxPassTokens < 1 || fraction <= 0 || fraction >= 1) {
            throw new ParameterException(spec.commandLine(), "--steps, --limit and --max-pass-tokens must be positive, --fraction in (0, 1)");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (ModelFiles.Loaded m = ModelFiles.loadClassifier(model, 512);
             PieceTokenizer tokenizer = new PieceTokenizer(model.resolve(ModelFiles.TOKENIZER))) {
            m.model().eval();
            Explainer explainer = new Explainer(m.model(), m.model().encoder().config().padTokenId(), maxPassTokens);
            List<Example> examples = TsvReader.read(data).examples();
            ExplainEval.Report report = ExplainEval.run(explainer, tokenizer, examples,
                    new ExplainEval.Settings(limit, steps, fraction, seed), System.err);
            String text = "model " + m.name() + ", data " + data + ", top " + Math.round(100 * fraction) + "% of words\n\n" + report.table();
            stdout.print(text);
            stdout.flush();
            if (out != null) {
                Files.writeString(out, text);
            }
            return 0;
        }
    }
}
