package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.cli.Args;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines end with one clear line and a non-zero status, never a stack trace. */
class CommandLineTest {
    @TempDir
    Path dir;

    private record Outcome(int status, String err) {}

    private static Outcome run(java.util.function.IntSupplier command) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        int status;
        try {
            status = command.getAsInt();
        } catch (Args.UsageException e) {
            status = 2;
            System.err.println(e.getMessage());
        } finally {
            System.setErr(old);
        }
        return new Outcome(status, buf.toString());
    }

    @Test
    void evaluateWithMissingDataFileFailsInOneLine() {
        Outcome o = run(() -> EvaluateCommand.run(new String[] {"--data", dir.resolve("none.tsv").toString()}));
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err().strip()).contains("none.tsv").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void evaluateWithEmptyFileFailsInOneLine() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.tsv"), "");
        Outcome o = run(() -> EvaluateCommand.run(new String[] {"--data", empty.toString()}));
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err().strip()).contains("file is empty").doesNotContain("\n");
    }

    @Test
    void trainRejectsUnknownOptionsAndMissingFiles() throws Exception {
        Outcome typo = run(() -> TrainCommand.run(new String[] {"--trian", "x"}));
        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown option --trian");
        Path dev = Files.writeString(dir.resolve("dev.tsv"), "label\tcontent\n1\tok\n");
        Outcome missing = run(() -> TrainCommand.run(new String[] {"--train", dir.resolve("absent.tsv").toString(),
            "--dev", dev.toString(), "--base", dir.toString()}));
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err().strip()).doesNotContain("\n");
        Outcome badNumber = run(() -> TrainCommand.run(new String[] {"--epochs", "two"}));
        assertThat(badNumber.status()).isEqualTo(2);
        assertThat(badNumber.err()).contains("--epochs must be an integer");
    }

    @Test
    void trainRefusesToWriteOverAModelUnlessTold() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("model.safetensors"), "weights");
        Path dev = Files.writeString(dir.resolve("dev.tsv"), "label\tcontent\n1\tok\n");
        String[] args = {"--train", dev.toString(), "--dev", dev.toString(), "--out", model.toString(),
            "--base", dir.resolve("no-base").toString(), "--checkpoints", dir.resolve("ck").toString()};
        Outcome refused = run(() -> TrainCommand.run(args));
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err().strip()).contains("--overwrite").doesNotContain("\n");
        assertThat(Files.readString(model.resolve("model.safetensors"))).isEqualTo("weights");

        String[] overwrite = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--overwrite"))
                .toArray(String[]::new);
        Outcome allowed = run(() -> TrainCommand.run(overwrite));
        assertThat(allowed.err()).doesNotContain("--overwrite").contains("no base model");
    }

    @Test
    void trainWritesANewFolderUnderRunsByDefault() throws Exception {
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2026, 11, 30, 23, 5, 0);
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
