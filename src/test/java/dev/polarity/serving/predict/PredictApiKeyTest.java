package dev.polarity.serving.predict;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.metrics.SentimentMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import dev.polarity.serving.auth.ApiKey;
import org.springframework.context.annotation.Import;

/** With polarity.api-key set, /predict answers only to its bearer; the key check comes before anything else. */
@Import(ApiKey.class)
@WebMvcTest(PredictController.class)
@EnableConfigurationProperties(PolarityProperties.class)
@TestPropertySource(properties = "polarity.api-key=s3cret-key")
class PredictApiKeyTest {
    @Autowired
    MockMvc mvc;

    @MockitoBean
    SentimentModel model;

    @MockitoBean
    SentimentMetrics metrics;

    @Test
    void noKeyOrAWrongOneIs401ProblemAndNothingRuns() throws Exception {
        for (String authorization : new String[] {null, "Bearer wrong", "Bearer s3cret-key-and-more", "Basic czNjcmV0LWtleQ==",
                "s3cret-key", "Bearer "}) {
            MockHttpServletRequestBuilder request = predict();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            mvc.perform(request).andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", "Bearer"))
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.status").value(401))
                    .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("s3cret"))));
        }
        verify(model, never()).predict(anyList(), any(), anyLong());
        verify(metrics, org.mockito.Mockito.atLeastOnce()).rejected("unauthorized");
    }

    @Test
    void theKeyAsBearerIsServed() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenReturn(new Scored("m", List.of("negative", "positive"),
                List.of(new Scored.TextScore(1, new float[] {0.25f, 0.75f}, false, 0)), 0, 0, 0));
        mvc.perform(predict().header("Authorization", "Bearer s3cret-key")).andExpect(status().isOk())
                .andExpect(jsonPath("$.label").value("positive"));
        mvc.perform(predict().header("Authorization", "bearer  s3cret-key ")).andExpect(status().isOk());
    }

    private static MockHttpServletRequestBuilder predict() {
        return post("/predict").contentType(MediaType.APPLICATION_JSON).content("{\"text\": \"I loved it\"}");
    }
}
