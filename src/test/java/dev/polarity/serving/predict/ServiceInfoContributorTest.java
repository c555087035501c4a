package dev.polarity.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval.json is optional and may be anything: info shows what it can and never fails over it. */
class ServiceInfoContributorTest {

    @Test
    void readsTheModelsScoreAndLeavesOutTrainingSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ServiceInfoContributor.EVAL_FILE);
        Files.writeString(file, """
                {"date": "2026-11-28", "dataset": "dev.tsv", "examples": 872, "accuracy": 0.902523,
                 "settings": {"epochs": 2}, "classes": {"negative": {"f1": 0.9}}}""");
        assertThat(ServiceInfoContributor.readEval(file)).containsOnlyKeys("date", "dataset", "examples", "accuracy")
                .containsEntry("date", "2026-11-28").containsEntry("examples", 872).containsEntry("accuracy", 0.902523);
    }

    @Test
    void missingOrBrokenEvalIsLeftOut(@TempDir Path dir) throws Exception {
        assertThat(ServiceInfoContributor.readEval(dir.resolve("eval.json"))).isEmpty();
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"accuracy\": 0.9");
        assertThat(ServiceInfoContributor.readEval(broken)).isEmpty();
        Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");
        assertThat(ServiceInfoContributor.readEval(list)).isEmpty();
    }
}
