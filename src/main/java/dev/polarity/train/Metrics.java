package dev.polarity.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy, per-class precision/recall/F1 and the confusion matrix (rows: true label, columns:
 * predicted); with how well the probabilities are calibrated at the model's temperature: expected
 * calibration error and mean negative log-likelihood (see {@link Calibration}).
 */
public record Metrics(List<String> labels, int[][] confusion, double examplesPerSecond, double temperature, double ece,
                      double nll) {
    public int count() {
        int n = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                n += v;
            }
        }
        return n;
    }

    public double accuracy() {
        int hit = 0;
        for (int i = 0; i < confusion.length; i++) {
            hit += confusion[i][i];
        }
        return count() == 0 ? 0 : (double) hit / count();
    }

    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    public double recall(int c) {
        int actual = 0;
        for (int v : confusion[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** A JSON-ready view for --json and eval.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples", count());
        m.put("accuracy", round(accuracy()));
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            perClass.put(labels.get(c), Map.of("precision", round(precision(c)), "recall", round(recall(c)), "f1", round(f1(c))));
        }
        m.put("classes", perClass);
        m.put("confusion", confusion);
        Map<String, Object> calibration = new LinkedHashMap<>();
        calibration.put("temperature", round(temperature));
        calibration.put("ece", round(ece));
        calibration.put("nll", round(nll));
        m.put("calibration", calibration);
        m.put("examples_per_second", Math.round(examplesPerSecond * 10) / 10.0);
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** A short human-readable report. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("accuracy %.4f on %d examples (%.1f examples/s)%n", accuracy(), count(), examplesPerSecond));
        sb.append(String.format("calibration at temperature %.3f: ECE %.4f, NLL %.4f%n", temperature, ece, nll));
        sb.append(String.format("%-10s %9s %9s %9s%n", "class", "precision", "recall", "f1"));
        for (int c = 0; c < labels.size(); c++) {
            sb.append(String.format("%-10s %9.4f %9.4f %9.4f%n", labels.get(c), precision(c), recall(c), f1(c)));
        }
        sb.append("confusion (rows true, columns predicted):\n");
        for (int c = 0; c < labels.size(); c++) {
            sb.append(String.format("%-10s", labels.get(c)));
            for (int v : confusion[c]) {
                sb.append(String.format(" %7d", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
