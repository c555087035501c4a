package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.model.ModelFiles;
import dev.polarity.model.TestAssets;
import dev.polarity.model.TextEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

/** The model we ship, judged on the 872 SST-2 dev sentences. */
class ShippedModelTest {
    static final Path SHIPPED = Path.of("models", "polarity-sst2-minilm");

    /** Issue 4's bar: 91% on SST-2 dev, and the accuracy eval.json recorded for these weights. */
    @Test
    void reproducesItsRecordedDevAccuracy() throws Exception {
        double recorded = new ObjectMapper().readTree(SHIPPED.resolve("eval.json").toFile()).get("accuracy").asDouble();
        try (ModelFiles.Loaded m = ModelFiles.loadClassifier(SHIPPED, TextEncoder.DEFAULT_MAX_TOKENS)) {
            Metrics metrics = Evaluator.evaluate(m.model(), m.tokenizer(), TestAssets.devSet(), 32);
            System.out.print("shipped model on SST-2 dev: " + metrics.format());
            assertThat(metrics.count()).isEqualTo(872);
            assertThat(metrics.accuracy()).isCloseTo(recorded, org.assertj.core.data.Offset.offset(0.002));
            assertThat(metrics.accuracy()).isGreaterThanOrEqualTo(0.91);
        }
    }

    /** Thirty plain reviews written for this project (restaurants, products, films): text unlike SST-2's. */
    @Test
    void readsOrdinaryReviewsOutsideSst2() throws Exception {
        Path file = Path.of(ShippedModelTest.class.getResource("/reviews-sanity.tsv").toURI());
        try (ModelFiles.Loaded m = ModelFiles.loadClassifier(SHIPPED, TextEncoder.DEFAULT_MAX_TOKENS)) {
            Metrics metrics = Evaluator.evaluate(m.model(), m.tokenizer(), TsvReader.read(file).examples(), 8);
            System.out.print("shipped model on our own reviews: " + metrics.format());
            assertThat(metrics.accuracy()).isGreaterThanOrEqualTo(0.9);
        }
    }

    @Test
    void staysUnder50Megabytes() throws Exception {
        long bytes;
        try (Stream<Path> files = Files.list(SHIPPED)) {
            bytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(bytes).isLessThan(50L * 1024 * 1024);
    }
}
