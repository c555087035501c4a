package dev.polarity.train;

import dev.polarity.model.CalibrationFile;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A temperature fitted on held-out labelled text, with the figures at 1 and at the fit. */
public record CalibrationFit(double temperature, String fittedOn, int examples, double nllBefore, double nllAfter,
                             double eceBefore, double eceAfter) {

    public static CalibrationFit of(SequenceClassifier model, TextEncoder tokenizer, List<Example> heldOut, String fittedOn) {
        Evaluator.Scored s = Evaluator.score(model, tokenizer, heldOut, 64, UnaryOperator.identity());
        double t = Calibration.fitTemperature(s.logits(), s.labels());
        return new CalibrationFit(t, fittedOn, heldOut.size(), Calibration.nll(s.logits(), s.labels(), 1),
                Calibration.nll(s.logits(), s.labels(), t), Calibration.ece(s.logits(), s.labels(), 1),
                Calibration.ece(s.logits(), s.labels(), t));
    }

    public String summary() {
        return String.format("NLL %.4f -> %.4f, ECE %.4f -> %.4f on %d examples", nllBefore, nllAfter, eceBefore, eceAfter, examples);
    }

    /** calibration.json in the model folder: the service and every command load it with the model. */
    public void write(Path modelDir) throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("fitted_on", fittedOn);
        d.put("examples", examples);
        d.put("nll", pair(nllBefore, nllAfter));
        d.put("ece", pair(eceBefore, eceAfter));
        CalibrationFile.write(modelDir, temperature, d);
    }

    private static Map<String, Object> pair(double atOne, double fitted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at_1", round(atOne));
        m.put("fitted", round(fitted));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
