package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsvReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRowsAndSkipsMalformedLinesWithTheirNumbers() throws IOException {
        Path f = dir.resolve("d.tsv");
        Files.writeString(f, "label\tcontent\n1\tgood film\nno tab here\n2\tbad label\n0\tbad film\n1\t   \n");
        TsvReader.Result r = TsvReader.read(f);
        assertThat(r.examples()).containsExactly(new Example(1, "good film"), new Example(0, "bad film"));
        assertThat(r.skipped()).isEqualTo(3);
        assertThat(r.problems()).hasSize(3);
        assertThat(r.problems().get(0)).startsWith("d.tsv:3:");
        assertThat(r.problems().get(1)).startsWith("d.tsv:4:").contains("label must be 0 or 1");
        assertThat(r.problems().get(2)).startsWith("d.tsv:6:").contains("empty text");
    }

    @Test
    void missingEmptyOrUselessFilesFailWithOneClearLine() throws IOException {
        assertThatThrownBy(() -> TsvReader.read(dir.resolve("absent.tsv"))).isInstanceOf(IOException.class)
                .hasMessageContaining("absent.tsv").hasMessageContaining("no such file");
        Path empty = Files.writeString(dir.resolve("empty.tsv"), "");
        assertThatThrownBy(() -> TsvReader.read(empty)).hasMessageContaining("empty.tsv: file is empty");
        Path junk = Files.writeString(dir.resolve("junk.tsv"), "label\tcontent\nfoo\nbar\n");
        assertThatThrownBy(() -> TsvReader.read(junk)).hasMessageContaining("no valid").hasMessageContaining("2 malformed");
        Path latin1 = Files.write(dir.resolve("latin1.tsv"), new byte[] {'1', '\t', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> TsvReader.read(latin1)).hasMessageContaining("not valid UTF-8");
    }
}
