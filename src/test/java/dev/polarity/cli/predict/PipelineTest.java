package dev.polarity.cli.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The streaming half of predict, with a stand-in for the model so that a million rows take seconds. */
class PipelineTest {
    /** Scores a text by its length, so a result shows which text it belongs to. */
    private static final Scorer BY_LENGTH = new Scorer() {
        @Override
        public List<String> labels() {
            return List.of("negative", "positive");
        }

        @Override
        public float[][] probabilities(List<String> texts) {
            float[][] p = new float[texts.size()][];
            for (int i = 0; i < p.length; i++) {
                float pos = (texts.get(i).length() % 100) / 100f;
                p[i] = new float[] {1 - pos, pos};
            }
            return p;
        }
    };

    @Test
    void aMillionLinesStreamThroughWithBoundedRowsHeldAndNothingLost() throws Exception {
        long total = 1_000_000;
        InputStream in = new GeneratedLines(total);
        CountingWriter out = new CountingWriter();
        int window = 512;
        Pipeline.Summary s = new Pipeline(new RowReader(in, Format.TSV, null), new RowWriter(out, Format.TSV, BY_LENGTH.labels()),
                BY_LENGTH, window, row -> { }, quietProgress()).run();
        assertThat(s.rows()).isEqualTo(total);
        assertThat(s.malformed()).isEqualTo(total / 1000); // every thousandth line is blank
        assertThat(out.lines.get()).isEqualTo(total + 1); // and the header
        assertThat(out.lastLine.toString()).startsWith((total + 1) + "\t");
        assertThat(s.maxRowsHeld()).isLessThanOrEqualTo(window);
    }

    @Test
    void resultsStayWithTheirRowsAcrossWindows() throws Exception {
        StringBuilder tsv = new StringBuilder("text\n");
        for (int i = 1; i <= 25; i++) {
            tsv.append("x".repeat(i)).append('\n');
        }
        StringWriter out = new StringWriter();
        new Pipeline(new RowReader(new java.io.ByteArrayInputStream(tsv.toString().getBytes(StandardCharsets.UTF_8)), Format.TSV, null),
                new RowWriter(out, Format.TSV, BY_LENGTH.labels()), BY_LENGTH, 7, row -> { }, quietProgress()).run();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(26);
        for (int i = 1; i <= 25; i++) {
            String[] f = lines.get(i).split("\t", -1);
            assertThat(f[0]).isEqualTo(Integer.toString(i + 1));
            assertThat(Float.parseFloat(f[4])).isCloseTo(i / 100f, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void progressIsAPlainLineEveryTenSecondsInALog() {
        StringWriter err = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressLine p = new ProgressLine(new PrintWriter(err), false, 1000, clock::get);
        clock.set(3_000_000_000L);
        p.update(100, 100);
        assertThat(err.toString()).isEmpty();
        clock.set(10_000_000_000L);
        p.update(1000, 500);
        clock.set(20_000_000_000L);
        p.update(2000, 1000);
        p.finish(2000, 3);
        List<String> lines = err.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("1,000 rows").contains("50%").contains("100.0 rows/s").doesNotContain("\r");
        assertThat(lines.get(2)).contains("2,000 rows (3 malformed, skipped)").contains("100.0 rows/s");
    }

    @Test
    void onATerminalOneLineIsRedrawn() {
        StringWriter err = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressLine p = new ProgressLine(new PrintWriter(err), true, -1, clock::get);
        clock.set(1_000_000_000L);
        p.update(10, 10);
        clock.set(2_000_000_000L);
        p.update(20, 20);
        assertThat(err.toString()).startsWith("\r").doesNotContain("\n").contains("20 rows");
        p.finish(20, 0);
        assertThat(err.toString()).endsWith("rows/s" + System.lineSeparator());
    }

    @Test
    void aClosedOutputStopsTheRunInsteadOfScoringForNobody() throws Exception {
        PrintWriter closed = new PrintWriter(new Writer() {
            @Override
            public void write(char[] buf, int off, int len) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        AtomicLong scored = new AtomicLong();
        Scorer counting = new Scorer() {
            @Override
            public List<String> labels() {
                return BY_LENGTH.labels();
            }

            @Override
            public float[][] probabilities(List<String> texts) {
                scored.addAndGet(texts.size());
                return BY_LENGTH.probabilities(texts);
            }
        };
        Pipeline pipeline = new Pipeline(new RowReader(new GeneratedLines(100_000), Format.TSV, null),
                new RowWriter(new java.io.BufferedWriter(new StopOnClosedOutput(closed)), Format.TSV, BY_LENGTH.labels()),
                counting, 100, row -> { }, quietProgress());
        org.assertj.core.api.Assertions.assertThatThrownBy(pipeline::run).hasMessageContaining("standard output was closed");
        assertThat(scored.get()).isLessThanOrEqualTo(100);
    }

    @Test
    void probabilitiesAreWrittenWithSixDecimals() {
        assertThat(RowWriter.number(0f)).isEqualTo("0.000000");
        assertThat(RowWriter.number(1f)).isEqualTo("1.000000");
        assertThat(RowWriter.number(0.0123456f)).isEqualTo("0.012346");
        assertThat(RowWriter.number(0.9999999f)).isEqualTo("1.000000");
        assertThat(RowWriter.number(1e-9f)).isEqualTo("0.000000");
    }

    private static ProgressLine quietProgress() {
        return new ProgressLine(new PrintWriter(Writer.nullWriter()), false, -1, System::nanoTime);
    }

    /** "text" then {@code n} numbered lines, made as they are read: the test holds no file either. */
    private static final class GeneratedLines extends InputStream {
        private final long n;
        private long next;
        private byte[] current = "text\n".getBytes(StandardCharsets.UTF_8);
        private int pos;

        GeneratedLines(long n) {
            this.n = n;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }

        @Override
        public int read() {
            if (pos == current.length) {
                if (next == n) {
                    return -1;
                }
                next++;
                String line = next % 1000 == 0 ? "\n" : "review number " + next + " was fine\n";
                current = line.getBytes(StandardCharsets.UTF_8);
                pos = 0;
            }
            return current[pos++];
        }
    }

    /** Counts lines and keeps only the last one. */
    private static final class CountingWriter extends Writer {
        final AtomicLong lines = new AtomicLong();
        final StringBuilder lastLine = new StringBuilder();
        private boolean fresh = true;

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (fresh) {
                    lastLine.setLength(0);
                    fresh = false;
                }
                if (buf[i] == '\n') {
                    lines.incrementAndGet();
                    fresh = true;
                } else {
                    lastLine.append(buf[i]);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
