package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.cli.Cli;
import dev.polarity.cli.CliRun;
import dev.polarity.model.CalibrationFile;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** calibrate fits a temperature into calibration.json, which then changes scores and never labels. */
class CalibrateCommandTest {
    @TempDir
    Path dir;

    private Path copyOfShippedModel() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("model"));
        for (String f : List.of(ModelFiles.CONFIG, ModelFiles.TOKENIZER, ModelFiles.WEIGHTS)) {
            Files.copy(ShippedModelTest.SHIPPED.resolve(f), copy.resolve(f));
        }
        return copy;
    }

    @Test
    void writesATemperatureThatChangesScoresNotLabels() throws Exception {
        Path model = copyOfShippedModel();
        Path reviews = Path.of(CalibrateCommandTest.class.getResource("/reviews-sanity.tsv").toURI());
        CliRun run = CliRun.run("calibrate", "--model", model.toString(), "--data", reviews.toString(), "--write");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("temperature").contains("NLL").contains("ECE");
        float t = CalibrationFile.temperature(model);
        assertThat(t).isPositive().isNotEqualTo(1f);

        List<Example> data = TsvReader.read(reviews).examples();
        try (ModelFiles.Loaded plain = ModelFiles.loadClassifier(ShippedModelTest.SHIPPED, TextEncoder.DEFAULT_MAX_TOKENS);
             ModelFiles.Loaded scaled = ModelFiles.loadClassifier(model, TextEncoder.DEFAULT_MAX_TOKENS)) {
            assertThat(plain.model().temperature()).isEqualTo(1f);
            assertThat(scaled.model().temperature()).isEqualTo(t);
            Metrics a = Evaluator.evaluate(plain.model(), plain.tokenizer(), data, 8);
            Metrics b = Evaluator.evaluate(scaled.model(), scaled.tokenizer(), data, 8);
            assertThat(b.confusion()).isDeepEqualTo(a.confusion());
            assertThat(b.nll()).isLessThanOrEqualTo(a.nll() + 1e-9); // fitted on these very texts
            float[] p = plain.model().probabilities(TextEncoder.pad(List.of(plain.tokenizer().encode(data.get(0).text()))))[0];
            float[] q = scaled.model().probabilities(TextEncoder.pad(List.of(scaled.tokenizer().encode(data.get(0).text()))))[0];
            assertThat(q[0]).isNotEqualTo(p[0]);
            assertThat(q[0] > q[1]).isEqualTo(p[0] > p[1]);
        }
    }

    @Test
    void aBrokenCalibrationFileIsRefusedInOneLine() throws Exception {
        Path model = copyOfShippedModel();
        Files.writeString(model.resolve(CalibrationFile.NAME), "{\"temperature\": -2}");
        assertThatThrownBy(() -> ModelFiles.loadClassifier(model, TextEncoder.DEFAULT_MAX_TOKENS))
                .isInstanceOf(IOException.class).hasMessageContaining("positive number");
        Path data = Files.writeString(dir.resolve("d.tsv"), "label\tsentence\n1\tgood\n");
        CliRun run = CliRun.run("calibrate", "--model", model.toString(), "--data", data.toString());
        assertThat(run.status()).isEqualTo(Cli.FAILED);
        assertThat(run.oneErrorLine()).as(run.err()).isTrue();
        CliRun.assertUsageError("--data", "calibrate");
    }
}
