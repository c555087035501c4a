package dev.polarity.serving.explain;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.errors.ModelNotReadyException;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.SentimentModel;
import java.time.Duration;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import dev.polarity.serving.auth.ApiKey;
import org.springframework.context.annotation.Import;

/** /explain's web layer with the service stubbed: refusals as problems, bad fields named before any work. */
@Import(ApiKey.class)
@WebMvcTest(ExplainController.class)
@EnableConfigurationProperties({PolarityProperties.class, ExplainProperties.class})
class ExplainControllerTest {
    @Autowired
    MockMvc mvc;

    @MockitoBean
    ExplainService service;

    @MockitoBean
    SentimentMetrics metrics;

    // web-layer components outside this controller (filters that refuse early) may need the model
    @MockitoBean
    SentimentModel model;

    @Test
    void aFullPoolAnswers429WithRetryAfter() throws Exception {
        when(service.explain(any())).thenThrow(new ExplainBusyException(1, 4));
        explain("{\"text\": \"fine\"}").andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(429))
                .andExpect(jsonPath("$.instance").value("/explain"));
    }

    @Test
    void aTimeoutAnswers503WithRetryAfter() throws Exception {
        when(service.explain(any())).thenThrow(new ExplainTimeoutException(Duration.ofSeconds(60)));
        explain("{\"text\": \"fine\"}").andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString("60000 ms")));
    }

    @Test
    void aModelNotReadyAnswersAsPredictDoes() throws Exception {
        when(service.explain(any())).thenThrow(new ModelNotReadyException("The model is loading and warming up."));
        explain("{\"text\": \"fine\"}").andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.detail").value("The model is loading and warming up."));
    }

    @Test
    void badFieldsAre400sThatNameTheField() throws Exception {
        expect400("{\"text\": \"fine\", \"method\": \"shap\"}", "\"method\"");
        expect400("{\"text\": \"fine\", \"method\": 3}", "\"method\"");
        expect400("{\"text\": \"fine\", \"target\": 1}", "\"target\"");
        expect400("{\"text\": \"fine\", \"steps\": 0}", "\"steps\"");
        expect400("{\"text\": \"fine\", \"steps\": 257}", "\"steps\"");
        expect400("{\"text\": \"fine\", \"steps\": 2.5}", "\"steps\"");
        expect400("{\"text\": \"fine\", \"steps\": \"32\"}", "\"steps\"");
        expect400("{\"text\": \"fine\", \"method\": \"occlusion\", \"steps\": 8}", "\"steps\"");
        expect400("{\"text\": \"   \"}", "\"text\"");
        expect400("{\"text\": \"\\u200b\\u00a0\\u0000\"}", "\"text\""); // blank as /predict sees it
        expect400("{\"text\": \"ok \\ud800\"}", "\"text\"");
        expect400("{\"method\": \"occlusion\"}", "\"text\"");
        expect400("{\"text\": 5}", "\"text\"");
        expect400("[1]", "JSON object");
        explain("{\"text\": ").andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        verifyNoInteractions(service);
    }

    @Test
    void aBodyThatIsNotJsonIs415() throws Exception {
        mvc.perform(post("/explain").contentType(MediaType.TEXT_PLAIN).content("fine"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    }

    private void expect400(String body, String naming) throws Exception {
        explain(body).andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString(naming)));
    }

    private ResultActions explain(String body) throws Exception {
        return mvc.perform(post("/explain").contentType(MediaType.APPLICATION_JSON).content(body));
    }
}
