package dev.polarity.cli;

import dev.polarity.model.ModelFiles;
import dev.polarity.model.TextEncoder;
import dev.polarity.train.CalibrationFit;
import dev.polarity.train.TsvReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code calibrate --data FILE [--model DIR] [--write]}: fits the temperature that makes the scores mean what they say. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, versionProvider = Version.class, showDefaultValues = true,
        description = {"Fits a temperature for the model's probabilities on held-out labelled text (a TSV as SST-2's) and prints"
                + " the negative log-likelihood and expected calibration error before and after.",
                "The text must be held out of the model's training and of whatever you report on: a validation split,"
                        + " not dev or test. Labels never change: the temperature leaves every argmax as it is."})
final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "models/polarity-sst2-minilm", paramLabel = "DIR", description = "model folder")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "held-out labelled TSV")
    Path data;

    @Option(names = "--write", description = "save the temperature as calibration.json in the model folder")
    boolean write;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TsvReader.Result r = TsvReader.read(data);
        if (r.examples().isEmpty()) {
            throw new ParameterException(spec.commandLine(), data + " holds no labelled examples");
        }
        try (ModelFiles.Loaded m = ModelFiles.loadClassifier(model, TextEncoder.DEFAULT_MAX_TOKENS)) {
            CalibrationFit fit = CalibrationFit.of(m.model(), m.tokenizer(), r.examples(), data.getFileName().toString());
            out.printf("model %s, data %s: temperature %.4f; %s%n", m.name(), data, fit.temperature(), fit.summary());
            if (write) {
                fit.write(model);
                out.println("wrote " + model.resolve("calibration.json"));
            }
        }
        return 0;
    }
}
