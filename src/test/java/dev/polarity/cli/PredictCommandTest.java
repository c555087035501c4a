package dev.polarity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** polarity predict on the shipped model: one output line per input row, in order, whatever the rows hold. */
class PredictCommandTest {
    private static final String GOOD = "This movie was wonderful, I loved every minute of it.";
    private static final String BAD = "A dull, lifeless film that wasted two hours of my evening.";

    @TempDir
    Path dir;

    @Test
    void tsvRowsComeBackInOrderWithMalformedOnesKept() throws Exception {
        Path in = Files.writeString(dir.resolve("reviews.tsv"), "id\ttext\n1\t" + GOOD + "\n2\n3\t   \n4\t" + BAD + "\n");
        Path out = dir.resolve("scored.tsv");
        CliRun r = CliRun.run("predict", "--in", in.toString(), "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("line\tlabel\tscore\tnegative\tpositive\terror");
        assertThat(lines.get(1)).startsWith("2\tpositive\t");
        assertThat(lines.get(2)).startsWith("3\t\t\t\t\t").contains("fields where the header has 2");
        assertThat(lines.get(3)).startsWith("4\t\t").endsWith("empty text");
        assertThat(lines.get(4)).startsWith("5\tnegative\t");
        String[] f = lines.get(1).split("\t", -1);
        assertThat(Float.parseFloat(f[3]) + Float.parseFloat(f[4])).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(Float.parseFloat(f[2])).isEqualTo(Float.parseFloat(f[4]));
        assertThat(r.err()).contains("reviews.tsv:3: ").contains("reviews.tsv:4: empty text")
                .contains("predict: 4 rows (2 malformed, skipped)").contains("rows/s");
    }

    @Test
    void csvQuotingAndTheTextColumnAreHonoured() throws Exception {
        String csv = "stars,review,source\n5,\"" + GOOD.replace("wonderful", "\"\"wonderful\"\"") + "\",web\n"
                + "1,\"" + BAD + "\nSecond paragraph, still bad.\",mail\n3,\"never closed\n";
        Path in = Files.writeString(dir.resolve("r.csv"), csv);
        CliRun r = CliRun.run("predict", "--in", in.toString(), "--text-column", "review");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("line,label,score,negative,positive,error");
        assertThat(lines.get(1)).startsWith("2,positive,");
        assertThat(lines.get(2)).startsWith("3,negative,");
        assertThat(lines.get(3)).startsWith("5,,,,,").contains("never closed");
    }

    @Test
    void jsonLinesTakeObjectsAndStringsAndReportTheRest() throws Exception {
        Path in = Files.writeString(dir.resolve("r.jsonl"), "{\"text\": \"" + GOOD + "\"}\n\"" + BAD + "\"\n{oops\n{\"body\": \"x\"}\n");
        CliRun r = CliRun.run("predict", "--in", in.toString());
        assertThat(r.status()).as(r.err()).isZero();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = r.out().lines().map(json::readTree).toList();
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).get("label").stringValue()).isEqualTo("positive");
        assertThat(rows.get(0).get("scores").get("positive").floatValue()).isEqualTo(rows.get(0).get("score").floatValue());
        assertThat(rows.get(1).get("label").stringValue()).isEqualTo("negative");
        assertThat(rows.get(2).get("error").stringValue()).isEqualTo("not JSON");
        assertThat(rows.get(3).get("line").asInt()).isEqualTo(4);
        assertThat(rows.get(3).get("error").stringValue()).contains("'text'");
    }

    @Test
    void readsStandardInputAndSkipsALineThatIsNotUtf8() throws Exception {
        byte[] head = ("text\n" + GOOD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] broken = {(byte) 0xC3, (byte) 0x28, '\n'};
        byte[] tail = (BAD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + broken.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(broken, 0, all, head.length, broken.length);
        System.arraycopy(tail, 0, all, head.length + broken.length, tail.length);
        InputStream old = System.in;
        CliRun r;
        try {
            System.setIn(new ByteArrayInputStream(all));
            r = CliRun.run("predict", "--in", "-", "--format", "tsv");
        } finally {
            System.setIn(old);
        }
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).startsWith("3\t").endsWith("not valid UTF-8");
        assertThat(lines.get(3)).startsWith("4\tnegative");
        assertThat(r.err()).contains("stdin:3: not valid UTF-8");
    }

    @Test
    void aHeaderWithoutTheTextColumnStopsBeforeWritingAnything() throws Exception {
        Path in = Files.writeString(dir.resolve("plain.tsv"), GOOD + "\n" + BAD + "\n");
        Path out = dir.resolve("o.tsv");
        CliRun r = CliRun.run("predict", "--in", in.toString(), "--out", out.toString());
        assertThat(r.status()).isEqualTo(Cli.FAILED);
        assertThat(r.err()).contains("plain.tsv").contains("--text-column");
        assertThat(r.oneErrorLine()).as(r.err()).isTrue();
        assertThat(out).doesNotExist();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CliRun.assertUsageError("--format", "predict", "--in", "x.tsv", "--format", "xml");
        CliRun.assertUsageError("--in", "predict");
        CliRun.assertUsageError("did you mean --text-column", "predict", "--in", "x.tsv", "--text-colum", "t");
        CliRun missing = CliRun.run("predict", "--in", dir.resolve("absent.tsv").toString());
        assertThat(missing.status()).isEqualTo(Cli.FAILED);
        assertThat(missing.oneErrorLine()).as(missing.err()).isTrue();
        assertThat(missing.err()).contains("absent.tsv");
    }

    @Test
    void theFormatFollowsTheFileName() {
        assertThat(PredictCommand.fromExtension("a.CSV")).isEqualTo(dev.polarity.cli.predict.Format.CSV);
        assertThat(PredictCommand.fromExtension("a.jsonl")).isEqualTo(dev.polarity.cli.predict.Format.JSONL);
        assertThat(PredictCommand.fromExtension("-")).isEqualTo(dev.polarity.cli.predict.Format.TSV);
    }
}
