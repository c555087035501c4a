package dev.polarity.serving.predict;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.batching.BatcherClosedException;
import dev.polarity.serving.batching.DeadlineExceededException;
import dev.polarity.serving.batching.QueueFullException;
import dev.polarity.serving.errors.ModelNotReadyException;
import dev.polarity.serving.metrics.SentimentMetrics;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import dev.polarity.serving.auth.ApiKey;
import org.springframework.context.annotation.Import;

/** The web layer alone, with the model stubbed: states a running model is hard to put itself in. */
@Import(ApiKey.class)
@WebMvcTest(PredictController.class)
@EnableConfigurationProperties(PolarityProperties.class)
class PredictControllerTest {
    @Autowired
    MockMvc mvc;

    @MockitoBean
    SentimentModel model;

    @MockitoBean
    SentimentMetrics metrics;

    @Test
    void loadingModelAnswers503WithRetryAfter() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenThrow(new ModelNotReadyException("The model is loading and warming up."));
        predict().andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("The model is loading and warming up."));
    }

    @Test
    void fullQueueAnswers429WithRetryAfter() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenThrow(new QueueFullException(1024, 1, 1024));
        predict().andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(429));
    }

    @Test
    void aDeadlinePassedInTheQueueAnswers503WithRetryAfterAndIsCounted() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenThrow(new DeadlineExceededException());
        predict().andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Deadline exceeded"));
        verify(metrics).rejected("deadline");
    }

    @Test
    void aRequestHeaderShortensTheDeadlineButCannotLengthenIt() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenThrow(new DeadlineExceededException());
        long before = System.nanoTime();
        mvc.perform(post("/predict").contentType(MediaType.APPLICATION_JSON).header("X-Request-Timeout-Ms", "250")
                .content("{\"text\": \"I loved it\"}"));
        mvc.perform(post("/predict").contentType(MediaType.APPLICATION_JSON).header("X-Request-Timeout-Ms", "3600000")
                .content("{\"text\": \"I loved it\"}"));
        long after = System.nanoTime();
        ArgumentCaptor<Long> deadlines = ArgumentCaptor.forClass(Long.class);
        verify(model, times(2)).predict(anyList(), any(), deadlines.capture());
        assertThat(deadlines.getAllValues().get(0) - before).isBetween(TimeUnit.MILLISECONDS.toNanos(250),
                after - before + TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(deadlines.getAllValues().get(1) - after).isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void aMalformedTimeoutHeaderIs400() throws Exception {
        mvc.perform(post("/predict").contentType(MediaType.APPLICATION_JSON).header("X-Request-Timeout-Ms", "soon")
                        .content("{\"text\": \"I loved it\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        verify(model, never()).predict(anyList(), any(), anyLong());
    }

    @Test
    void shuttingDownAnswers503() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenThrow(new BatcherClosedException());
        predict().andExpect(status().isServiceUnavailable()).andExpect(header().exists("Retry-After"));
    }

    @Test
    void anUnexpectedFailureHidesItsInternals() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenThrow(new IllegalStateException("secret internal state"));
        predict().andExpect(status().isInternalServerError())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("secret"))));
    }

    @Test
    void aClientThatWentAwayIsNotAnInternalError() throws Exception {
        when(model.predict(anyList(), any(), anyLong()))
                .thenThrow(new java.io.UncheckedIOException(new java.io.IOException("Broken pipe")));
        predict().andExpect(result -> org.assertj.core.api.Assertions.assertThat(result.getResponse().getStatus()).isNotEqualTo(500))
                .andExpect(content().string(""));
    }

    @Test
    void answerCarriesTheDocumentedFieldsAndTimingHeaders() throws Exception {
        when(model.predict(anyList(), any(), anyLong())).thenReturn(new Scored("m", List.of("negative", "positive"),
                List.of(new Scored.TextScore(1, new float[] {0.25f, 0.75f}, true, 0)), 1_500_000, 250_000, 3_000_000));
        predict().andExpect(status().isOk())
                .andExpect(jsonPath("$.label").value("positive"))
                .andExpect(jsonPath("$.score").value(0.75))
                .andExpect(jsonPath("$.scores.negative").value(0.25))
                .andExpect(jsonPath("$.model").value("m"))
                .andExpect(jsonPath("$.truncated").value(true))
                .andExpect(header().string("x-tokenization-time", "1.500"))
                .andExpect(header().string("x-queue-time", "0.250"))
                .andExpect(header().string("x-inference-time", "3.000"))
                .andExpect(header().exists("x-total-time"));
    }

    private ResultActions predict() throws Exception {
        return mvc.perform(post("/predict").contentType(MediaType.APPLICATION_JSON).content("{\"text\": \"I loved it\"}"));
    }
}
