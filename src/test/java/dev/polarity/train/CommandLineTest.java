package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.cli.Cli;
import dev.polarity.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines for train and evaluate end with one clear line and a non-zero status, never a stack trace. */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void evaluateWithMissingDataFileFailsInOneLine() {
        CliRun r = CliRun.run("evaluate", "--data", dir.resolve("none.tsv").toString());
        assertThat(r.status()).isEqualTo(Cli.FAILED);
        assertThat(r.err()).contains("none.tsv");
        assertThat(r.oneErrorLine()).as(r.err()).isTrue();
    }

    @Test
    void evaluateWithEmptyFileFailsInOneLine() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.tsv"), "");
        CliRun r = CliRun.run("evaluate", "--data", empty.toString());
        assertThat(r.status()).isEqualTo(Cli.FAILED);
        assertThat(r.err()).contains("file is empty");
        assertThat(r.oneErrorLine()).as(r.err()).isTrue();
    }

    @Test
    void trainRejectsUnknownOptionsAndMissingFiles() throws Exception {
        CliRun.assertUsageError("did you mean --train", "train", "--trian", "x");
        Path dev = Files.writeString(dir.resolve("dev.tsv"), "label\tcontent\n1\tok\n");
        CliRun missing = CliRun.run("train", "--train", dir.resolve("absent.tsv").toString(), "--dev", dev.toString(),
                "--base", dir.toString(), "--out", dir.resolve("out").toString());
        assertThat(missing.status()).isEqualTo(Cli.FAILED);
        assertThat(missing.oneErrorLine()).as(missing.err()).isTrue();
        CliRun.assertUsageError("'two' is not an int", "train", "--train", "t", "--dev", "d", "--epochs", "two");
    }

    @Test
    void trainRefusesToWriteOverAModelUnlessTold() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("model.safetensors"), "weights");
        Path dev = Files.writeString(dir.resolve("dev.tsv"), "label\tcontent\n1\tok\n");
        String[] args = {"train", "--train", dev.toString(), "--dev", dev.toString(), "--out", model.toString(),
            "--base", dir.resolve("no-base").toString(), "--checkpoints", dir.resolve("ck").toString()};
        CliRun refused = CliRun.run(args);
        assertThat(refused.status()).isEqualTo(Cli.FAILED);
        assertThat(refused.err()).contains("--overwrite");
        assertThat(refused.oneErrorLine()).as(refused.err()).isTrue();
        assertThat(Files.readString(model.resolve("model.safetensors"))).isEqualTo("weights");

        String[] overwrite = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--overwrite"))
                .toArray(String[]::new);
        CliRun allowed = CliRun.run(overwrite);
        assertThat(allowed.err()).doesNotContain("--overwrite").contains("no base model");
    }

    @Test
    void trainWritesANewFolderUnderRunsByDefault() throws Exception {
        LocalDateTime t = LocalDateTime.of(2026, 11, 30, 23, 5, 0);
        Path first = OutputFolder.fresh(dir, t);
        assertThat(first.getParent()).isEqualTo(dir);
        Files.createDirectories(first);
        assertThat(OutputFolder.fresh(dir, t)).isNotEqualTo(first);
        assertThat(OutputFolder.refusal(dir.resolve("absent"), dir.resolve("ck"), false)).isNull();
    }

    @Test
    void trainResumesIntoItsOwnFolder() throws Exception {
        Path out = Files.createDirectories(dir.resolve("run"));
        Files.writeString(out.resolve("model.safetensors"), "best so far");
        Path ck = Files.createDirectories(dir.resolve("ck"));
        assertThat(OutputFolder.refusal(out, ck, false)).contains("--overwrite");
        Files.writeString(ck.resolve(Checkpoint.FILE), "state");
        assertThat(OutputFolder.refusal(out, ck, false)).isNull();
    }
}
