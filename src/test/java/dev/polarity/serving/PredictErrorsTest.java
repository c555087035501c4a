package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every refusal is an RFC 9457 problem with its own status, and never a stack trace. */
class PredictErrorsTest extends RunningService {

    @Test
    void malformedJsonIs400() throws Exception {
        assertProblem(postJson("{\"text\": \"unfinished"), 400, "not valid JSON");
        assertProblem(postJson(""), 400, "missing");
    }

    @Test
    void missingOrBlankTextIs400() throws Exception {
        assertProblem(postJson("{}"), 400, "Missing \"text\"");
        assertProblem(postJson("{\"text\": null}"), 400, "\"text\" is missing");
        assertProblem(postJson("{\"text\": \"  \\n \"}"), 400, "must not be blank");
        assertProblem(postJson("{\"texts\": [\"fine\", \"\"]}"), 400, "\"texts[1]\" must not be blank");
        assertProblem(postJson("{\"texts\": []}"), 400, "at least one text");
        assertProblem(postJson("[\"a list, not an object\"]"), 400, "JSON object");
        assertProblem(postJson("{\"text\": \"a\", \"texts\": [\"b\"]}"), 400, "only one of");
    }

    @Test
    void textWithNothingButSpacesControlAndFormatCharactersIsBlank() throws Exception {
        // Zero-width space and joiner, BOM, no-break and ideographic spaces, NUL, line and paragraph separators.
        for (String escaped : new String[] {"\\u200b\\u200d\\ufeff", "\\u00a0\\u3000", "\\u0000\\u0007", "\\u2028\\u2029 \\t"}) {
            assertProblem(postJson("{\"text\": \"" + escaped + "\"}"), 400, "must not be blank");
        }
        assertProblem(postJson("{\"texts\": [\"fine\", \"\\u200b\"]}"), 400, "\"texts[1]\" must not be blank");
        // A symbol or a letter among them is something to read.
        assertThat(postJson("{\"text\": \"\\u200b\\u2764\\ufe0f\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void loneSurrogatesAre400() throws Exception {
        assertProblem(postJson("{\"text\": \"good \\ud83d film\"}"), 400, "lone surrogate");
        assertProblem(postJson("{\"text\": \"\\ude00\"}"), 400, "lone surrogate");
        assertProblem(postJson("{\"inputs\": [\"ok\", \"end \\ud83d\"]}"), 400, "\"inputs[1]\" is not valid Unicode");
        assertThat(postJson("{\"text\": \"good \\ud83d\\ude00 film\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void longTextOptionsMustBeWellFormed() throws Exception {
        assertProblem(postJson("{\"text\": \"fine\", \"truncate\": \"no\"}"), 400, "\"truncate\" must be true or false");
        assertProblem(postJson("{\"text\": \"fine\", \"long_text\": \"split\"}"), 400, "\"long_text\" must be");
        assertProblem(postJson("{\"text\": \"fine\", \"truncate\": true, \"long_text\": \"chunk\"}"), 400, "contradict");
    }

    @Test
    void duplicateKeysAre400() throws Exception {
        assertProblem(postJson("{\"text\": \"great\", \"text\": \"awful\"}"), 400, "repeats a key");
    }

    @Test
    void nonStringItemIs400() throws Exception {
        assertProblem(postJson("{\"text\": 5}"), 400, "\"text\" must be a string");
        assertProblem(postJson("{\"texts\": [\"fine\", 3]}"), 400, "\"texts[1]\" must be a string");
        assertProblem(postJson("{\"texts\": \"not a list\"}"), 400, "list of strings");
        assertProblem(postJson("{\"inputs\": {\"text\": \"x\"}}"), 400, "\"inputs\" must be a string");
        assertProblem(postJson("{\"inputs\": [\"ok\", [\"nested\"]]}"), 400, "\"inputs[1]\" must be a string");
    }

    @Test
    void textOverTheCharacterLimitIs413() throws Exception {
        assertProblem(postJson("{\"text\": \"" + "a".repeat(20_001) + "\"}"), 413, "20000 characters");
        // 20,000 characters of a supplementary plane are 40,000 UTF-16 units: still accepted.
        String emoji = new String(Character.toChars(0x1F600)).repeat(20_000);
        assertThat(postJson("{\"text\": " + quote(emoji) + "}").statusCode()).isEqualTo(200);
    }

    @Test
    void batchOverTheLimitIs413() throws Exception {
        String texts = ("\"ok\",").repeat(65);
        assertProblem(postJson("{\"texts\": [" + texts.substring(0, texts.length() - 1) + "]}"), 413, "at most 64");
        assertProblem(postJson("{\"inputs\": [" + texts.substring(0, texts.length() - 1) + "]}"), 413, "at most 64");
    }

    @Test
    void bodyThatIsNotJsonIs415() throws Exception {
        assertProblem(post("/predict", "text/plain", "I loved it"), 415, null);
        assertProblem(post("/predict", null, "{\"text\": \"I loved it\"}"), 415, null);
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() throws Exception {
        assertProblem(get("/predict"), 405, null);
        assertProblem(post("/nowhere", "application/json", "{}"), 404, null);
        assertProblem(get("/actuator/env"), 404, null);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detailPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode body = json(response);
        assertThat(body.get("status").intValue()).isEqualTo(status);
        assertThat(body.get("title").stringValue()).isNotBlank();
        if (detailPart != null) {
            assertThat(body.get("detail").stringValue()).contains(detailPart);
        }
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "trace");
    }
}
