package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokenization edge cases: special tokens, empty and unknown-only text, truncation, per-batch padding. */
class TextEncoderTest {
    private static final int CLS = 101;
    private static final int SEP = 102;
    private static final int UNK = 100;
    private static TextEncoder tok;

    @BeforeAll
    static void load() throws IOException {
        tok = new TextEncoder(TestAssets.baseModelDir().resolve("tokenizer.json"), 16);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void addsClsAndSep() {
        TextEncoder.Encoded e = tok.encode("a fine film");
        assertThat(e.ids()[0]).isEqualTo(CLS);
        assertThat(e.ids()[e.length() - 1]).isEqualTo(SEP);
        assertThat(e.truncated()).isFalse();
    }

    @Test
    void emptyTextStillGivesClsSep() {
        assertThat(tok.encode("").ids()).containsExactly(CLS, SEP);
    }

    @Test
    void unknownOnlyTextBecomesUnk() {
        TextEncoder.Encoded e = tok.encode("\uD83E\uDEE0\uD83E\uDEE0");
        assertThat(e.ids()[0]).isEqualTo(CLS);
        assertThat(e.ids()).contains(UNK);
    }

    @Test
    void longTextIsTruncatedAndSaysSo() {
        TextEncoder.Encoded e = tok.encode("good ".repeat(100));
        assertThat(e.length()).isEqualTo(16);
        assertThat(e.truncated()).isTrue();
        assertThat(e.ids()[15]).isEqualTo(SEP);
    }

    @Test
    void batchesArePaddedToTheirLongestText() {
        Batch b = tok.encodeBatch(List.of("good", "a much longer text than that"));
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.realTokens(0)).isEqualTo(3);
        assertThat(b.realTokens(1)).isEqualTo(b.length());
        assertThat(b.ids()[b.length() - 1]).isZero();
        assertThat(b.mask()[b.length() - 1]).isZero();
    }

    @Test
    void directCallsMatchTheLibrarysFullEncoding() {
        List<String> texts = List.of("", "a gorgeous , witty , seductive movie .", "Ünïcödé café — naïve résumé 東京 🙂",
                "zzzqqqxxx", "  spaced\tout\n\ttext  ", "one two three four five six seven eight nine ten eleven twelve"
                        + " thirteen fourteen fifteen sixteen seventeen", "don't won't can't it's", "\u200b\u00a0x\u0000y");
        for (String t : texts) {
            TextEncoder.Encoded direct = tok.encode(t);
            TextEncoder.Encoded full = tok.encodeThroughLibrary(t);
            assertThat(direct.ids()).as(t).containsExactly(full.ids());
            assertThat(direct.typeIds()).as(t).containsExactly(full.typeIds());
            assertThat(direct.truncated()).as(t).isEqualTo(full.truncated());
        }
        assertThat(tok.encode(texts.get(5)).truncated()).isTrue();
    }

    @Test
    void refusesBadSettingsClearly() {
        assertThatThrownBy(() -> new TextEncoder(Path.of("nowhere/tokenizer.json"), 16))
                .isInstanceOf(IOException.class).hasMessageContaining("nowhere/tokenizer.json");
        assertThatThrownBy(() -> new TextEncoder(TestAssets.baseModelDir().resolve("tokenizer.json"), 1))
                .hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> tok.encode(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
