package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Temperature scaling and the calibration figures, on synthetic logits whose truth is known. */
class CalibrationTest {
    /**
     * Labels drawn from softmax(z), logits given as 3 z: a classifier three times too sure of
     * itself. The fit recovers 3 and brings both figures down; at the fit the probabilities are
     * calibrated, so the ECE is near 0.
     */
    @Test
    void recoversTheTemperatureOfOverconfidentLogits() {
        Random rnd = new Random(3);
        int n = 20_000;
        float[][] logits = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float z = (float) (rnd.nextGaussian() * 2);
            double p1 = 1 / (1 + Math.exp(-z));
            labels[i] = rnd.nextDouble() < p1 ? 1 : 0;
            logits[i] = new float[] {0f, 3 * z};
        }
        double t = Calibration.fitTemperature(logits, labels);
        assertThat(t).isCloseTo(3.0, within(0.1));
        assertThat(Calibration.nll(logits, labels, t)).isLessThan(Calibration.nll(logits, labels, 1));
        assertThat(Calibration.ece(logits, labels, 1)).isGreaterThan(0.05);
        assertThat(Calibration.ece(logits, labels, t)).isLessThan(0.015);
    }

    @Test
    void underconfidentLogitsGetATemperatureBelowOne() {
        Random rnd = new Random(4);
        List<float[]> rows = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            float z = (float) (rnd.nextGaussian() * 3);
            ys.add(rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
            rows.add(new float[] {0f, z / 2});
        }
        double t = Calibration.fitTemperature(rows.toArray(float[][]::new), ys.stream().mapToInt(Integer::intValue).toArray());
        assertThat(t).isCloseTo(0.5, within(0.05));
    }

    @Test
    void eceIsTheWeightedGapBetweenAccuracyAndConfidence() {
        // Four examples, all at confidence 0.8 (one bin); three right: accuracy 0.75, gap 0.05.
        float l = (float) Math.log(4); // softmax([0, ln 4]) = [0.2, 0.8]
        float[][] logits = {{0, l}, {0, l}, {0, l}, {l, 0}};
        int[] labels = {1, 1, 0, 0};
        assertThat(Calibration.ece(logits, labels, 1)).isCloseTo(0.05, within(1e-6));
        assertThat(Calibration.nll(logits, labels, 1)).isCloseTo(-(3 * Math.log(0.8) + Math.log(0.2)) / 4, within(1e-6));
    }

    @Test
    void refusesLabelsThatDoNotFit() {
        assertThatThrownBy(() -> Calibration.fitTemperature(new float[0][], new int[0])).hasMessageContaining("at least one row");
        assertThatThrownBy(() -> Calibration.ece(new float[][] {{0, 1}}, new int[] {2}, 1)).hasMessageContaining("label 2");
        assertThatThrownBy(() -> Calibration.nll(new float[][] {{0, 1}}, new int[] {0, 1}, 1)).hasMessageContaining("one label per row");
    }

    @Test
    void aValidationSplitIsDisjointDeterministicAndKeepsTheRestInOrder() {
        List<Example> data = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            data.add(new Example(i % 2, "sentence " + i));
        }
        ValidationSplit a = ValidationSplit.of(data, 10, 42);
        ValidationSplit b = ValidationSplit.of(data, 10, 42);
        assertThat(a.validation()).hasSize(10).isEqualTo(b.validation());
        assertThat(a.train()).hasSize(90).doesNotContainAnyElementsOf(a.validation());
        assertThat(data).containsSubsequence(a.train());
        assertThat(ValidationSplit.of(data, 10, 43).validation()).isNotEqualTo(a.validation());
        assertThatThrownBy(() -> ValidationSplit.of(data, 100, 1)).hasMessageContaining("--validation 100");
        assertThatThrownBy(() -> ValidationSplit.of(data, 0, 1)).hasMessageContaining("at least 1");
    }
}
