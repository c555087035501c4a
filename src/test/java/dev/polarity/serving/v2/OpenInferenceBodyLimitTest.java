package dev.polarity.serving.v2;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.SentimentModel;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import dev.polarity.serving.auth.ApiKey;
import org.springframework.context.annotation.Import;

/**
 * The service's body cap applies to /v2 as to /predict: it fails a read inside the JSON parser,
 * and the protocol's advice still answers 413 with {"error"}, not a 400 for bad JSON.
 */
@Import(ApiKey.class)
@WebMvcTest(controllers = OpenInferenceController.class, properties = "polarity.max-body-bytes=1KB")
@EnableConfigurationProperties(PolarityProperties.class)
class OpenInferenceBodyLimitTest {
    @Autowired
    MockMvc mvc;

    @MockitoBean
    SentimentModel model;

    @MockitoBean
    SentimentMetrics metrics;

    @Test
    void aBodyOverTheCapIs413() throws Exception {
        when(model.modelName()).thenReturn("polarity-sst2-minilm");
        String body = "{\"inputs\": [{\"name\": \"text\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                + "a".repeat(2000) + "\"]}]}";
        mvc.perform(post("/v2/models/polarity-sst2-minilm/infer").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.error").value(containsString("1024 bytes")));
        verify(model, never()).predict(anyList());
        verify(metrics).rejected("too_large");
    }
}
