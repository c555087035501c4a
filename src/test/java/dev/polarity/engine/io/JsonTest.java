package dev.polarity.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesTheValuesAHeaderUses() throws Exception {
        Object v = Json.parse(" {\"b\": [1, -2, 0], \"a\": {\"x\": \"y\"}, \"t\": true, \"n\": null, \"d\": 1.5e3}   ");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("b", "a", "t", "n", "d"); // order kept
        assertThat(m.get("b")).isEqualTo(List.of(1L, -2L, 0L));
        assertThat(m.get("a")).isEqualTo(Map.of("x", "y"));
        assertThat(m.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(m.containsKey("n")).isTrue();
        assertThat(m.get("d")).isEqualTo(new BigDecimal("1.5e3"));
    }

    @Test
    void decodesEscapesIncludingSurrogatePairs() throws Exception {
        assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"")).isEqualTo("a\"b\\c/d\b\f\n\r\té\uD83D\uDE00");
    }

    @Test
    void hugeIntegersAreNotLongs() throws Exception {
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{'a':1}", "{\"a\":01}", "{\"a\":1.}",
            "{\"a\":-}", "{\"a\":1e}", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"a\nb\"", "{\"a\":1}x", "{\"a\":1}{}",
            "{\"a\":1,\"a\":2}", "tru", "nul", "{a:1}", "// c\n{}", "+1", "NaN"})
    void rejectsMalformedJson(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.SyntaxException.class).hasMessageContaining("at character");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(Json.SyntaxException.class).hasMessageContaining("nesting");
    }

    @Test
    void writesStringsThatParseBack() throws Exception {
        String nasty = "q\"b\\s\u0001\n\té\uD83D\uDE00";
        StringBuilder sb = new StringBuilder();
        Json.writeString(sb, nasty);
        assertThat(sb.toString()).doesNotContain("\n").doesNotContain("\u0001");
        assertThat(Json.parse(sb.toString())).isEqualTo(nasty);
    }
}
