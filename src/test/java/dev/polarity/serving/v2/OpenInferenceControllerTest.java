package dev.polarity.serving.v2;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.batching.BatcherClosedException;
import dev.polarity.serving.batching.QueueFullException;
import dev.polarity.serving.errors.ModelNotReadyException;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.Scored;
import dev.polarity.serving.predict.SentimentModel;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
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

/**
 * The protocol's endpoints with the model stubbed: the JSON shapes of its REST API, and every
 * refusal as {"error": ...} with its status. Request bodies follow the protocol's own examples.
 */
@Import(ApiKey.class)
@WebMvcTest(OpenInferenceController.class)
@EnableConfigurationProperties(PolarityProperties.class)
class OpenInferenceControllerTest {
    static final String INFER = "/v2/models/polarity-sst2-minilm/infer";
    static final List<String> LABELS = List.of("negative", "positive");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    SentimentModel model;

    @MockitoBean
    SentimentMetrics metrics;

    @BeforeEach
    void aReadyModel() {
        when(model.state()).thenReturn(SentimentModel.State.READY);
        when(model.modelName()).thenReturn("polarity-sst2-minilm");
        when(model.labels()).thenReturn(LABELS);
    }

    @Test
    void healthIsLiveAndReadyOnceTheModelIs() throws Exception {
        mvc.perform(get("/v2/health/live")).andExpect(status().isOk()).andExpect(jsonPath("$.live").value(true));
        mvc.perform(get("/v2/health/ready")).andExpect(status().isOk()).andExpect(jsonPath("$.ready").value(true));
        mvc.perform(get("/v2/models/polarity-sst2-minilm/ready")).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("polarity-sst2-minilm")).andExpect(jsonPath("$.ready").value(true));

        when(model.state()).thenReturn(SentimentModel.State.LOADING);
        when(model.modelName()).thenReturn("");
        mvc.perform(get("/v2/health/live")).andExpect(status().isOk());
        mvc.perform(get("/v2/health/ready")).andExpect(status().isServiceUnavailable()).andExpect(jsonPath("$.ready").value(false));
        // Before loading, the model is known by its configured folder.
        mvc.perform(get("/v2/models/polarity-sst2-minilm/versions/1/ready")).andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.ready").value(false));
    }

    @Test
    void metadataDescribesTheTensors() throws Exception {
        mvc.perform(get("/v2/models/polarity-sst2-minilm")).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("polarity-sst2-minilm"))
                .andExpect(jsonPath("$.versions[0]").value("1"))
                .andExpect(jsonPath("$.platform").value("polarity"))
                .andExpect(jsonPath("$.inputs.length()").value(1))
                .andExpect(jsonPath("$.inputs[0].name").value("text"))
                .andExpect(jsonPath("$.inputs[0].datatype").value("BYTES"))
                .andExpect(jsonPath("$.inputs[0].shape").value(org.hamcrest.Matchers.contains(-1)))
                .andExpect(jsonPath("$.outputs[0].name").value("probabilities"))
                .andExpect(jsonPath("$.outputs[0].datatype").value("FP32"))
                .andExpect(jsonPath("$.outputs[0].shape").value(org.hamcrest.Matchers.contains(-1, 2)))
                .andExpect(jsonPath("$.outputs[1].name").value("label"))
                .andExpect(jsonPath("$.outputs[1].datatype").value("BYTES"));
        mvc.perform(get("/v2")).andExpect(status().isOk()).andExpect(jsonPath("$.name").value("polarity"))
                .andExpect(jsonPath("$.extensions").isArray());
    }

    @Test
    void unknownModelOrVersionIs404() throws Exception {
        assertError(mvc.perform(get("/v2/models/resnet50")), 404, "serves \"polarity-sst2-minilm\"");
        assertError(mvc.perform(get("/v2/models/polarity-sst2-minilm/versions/7/ready")), 404, "version \"1\"");
        assertError(infer("/v2/models/resnet50/infer", twoTexts()), 404, "Unknown model");
        verify(model, never()).predict(anyList());
    }

    @Test
    void inferAnswersProbabilitiesAndLabelsAndEchoesTheId() throws Exception {
        when(model.predict(List.of("I loved it.", "A dull mess."))).thenReturn(scored());
        infer(INFER, "{\"id\": \"42\", \"parameters\": {\"ignored\": true}, " + twoTexts().substring(1))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.model_name").value("polarity-sst2-minilm"))
                .andExpect(jsonPath("$.model_version").value("1"))
                .andExpect(jsonPath("$.id").value("42"))
                .andExpect(jsonPath("$.outputs.length()").value(2))
                .andExpect(jsonPath("$.outputs[0].name").value("probabilities"))
                .andExpect(jsonPath("$.outputs[0].datatype").value("FP32"))
                .andExpect(jsonPath("$.outputs[0].shape").value(org.hamcrest.Matchers.contains(2, 2)))
                .andExpect(jsonPath("$.outputs[0].data").value(org.hamcrest.Matchers.contains(0.25, 0.75, 0.875, 0.125)))
                .andExpect(jsonPath("$.outputs[1].name").value("label"))
                .andExpect(jsonPath("$.outputs[1].datatype").value("BYTES"))
                .andExpect(jsonPath("$.outputs[1].shape").value(org.hamcrest.Matchers.contains(2)))
                .andExpect(jsonPath("$.outputs[1].data").value(org.hamcrest.Matchers.contains("positive", "negative")))
                .andExpect(header().string("x-inference-time", "3.000"))
                .andExpect(header().exists("x-total-time"));
    }

    @Test
    void requestedOutputsAloneComeBackAndNestedDataIsRowMajor() throws Exception {
        when(model.predict(List.of("I loved it.", "A dull mess."))).thenReturn(scored());
        infer("/v2/models/polarity-sst2-minilm/versions/1/infer", "{\"inputs\": [{\"name\": \"text\", \"shape\": [2, 1], "
                + "\"datatype\": \"BYTES\", \"data\": [[\"I loved it.\"], [\"A dull mess.\"]]}], \"outputs\": [{\"name\": \"label\"}]}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").doesNotExist())
                .andExpect(jsonPath("$.outputs.length()").value(1))
                .andExpect(jsonPath("$.outputs[0].name").value("label"));
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        assertError(infer(INFER, "{\"inputs\": [{\"name\": \"text\""), 400, "not valid JSON");
        assertError(infer(INFER, "{}"), 400, "\"inputs\" must be a list");
        assertError(infer(INFER, tensor("\"name\": \"input_ids\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"a\"]")),
                400, "\"inputs[0].name\" must be \"text\"");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [1], \"datatype\": \"INT64\", \"data\": [1]")),
                400, "must be \"BYTES\"");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [3], \"datatype\": \"BYTES\", \"data\": [\"a\", \"b\"]")),
                400, "shape\" holds 3 elements but \"data\" holds 2");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"a\", \"b\"]")),
                400, "more elements");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"a\", 5]")),
                400, "\"inputs[0].data[1]\" must be a string");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\" \"]")),
                400, "must not be blank");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [0], \"datatype\": \"BYTES\", \"data\": []")),
                400, "at least one text");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [1], \"datatype\": \"BYTES\", "
                + "\"parameters\": {\"binary_data_size\": 12}, \"data\": []")), 400, "Binary tensor data");
        assertError(infer(INFER, twoTexts().replace("]}]}", "]}], \"outputs\": [{\"name\": \"logits\"}]}")), 400,
                "\"outputs[0].name\"");
        assertError(infer(INFER, "{\"id\": 7, " + twoTexts().substring(1)), 400, "\"id\" must be a string");
        verify(model, never()).predict(anyList());
    }

    @Test
    void requestsOverTheLimitsAre413() throws Exception {
        String many = "\"ok\", ".repeat(64) + "\"ok\"";
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [65], \"datatype\": \"BYTES\", \"data\": [" + many + "]")),
                413, "at most 64");
        assertError(infer(INFER, tensor("\"name\": \"text\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                + "a".repeat(20_001) + "\"]")), 413, "20000 characters");
        verify(model, never()).predict(anyList());
    }

    @Test
    void refusalsOfTheModelPathKeepTheirStatusAndRetryAfter() throws Exception {
        doThrow(new QueueFullException(1024, 2, 1024)).when(model).predict(anyList());
        assertError(infer(INFER, twoTexts()), 429, "queue is full").andExpect(header().string("Retry-After", "1"));

        doThrow(new ModelNotReadyException("The model is loading and warming up.")).when(model).predict(anyList());
        assertError(infer(INFER, twoTexts()), 503, "loading").andExpect(header().exists("Retry-After"));

        doThrow(new BatcherClosedException()).when(model).predict(anyList());
        assertError(infer(INFER, twoTexts()), 503, "shutting down").andExpect(header().exists("Retry-After"));

        doThrow(new IllegalStateException("secret internal state")).when(model).predict(anyList());
        assertError(infer(INFER, twoTexts()), 500, "logged").andExpect(content().string(not(containsString("secret"))));
    }

    @Test
    void aBodyThatIsNotJsonIs415() throws Exception {
        assertError(mvc.perform(post(INFER).contentType(MediaType.TEXT_PLAIN).content("I loved it")), 415, "must be JSON");
        assertError(mvc.perform(post(INFER).contentType(MediaType.APPLICATION_OCTET_STREAM).content(new byte[] {1, 2})),
                415, "binary tensor extension");
    }

    @Test
    void otherMethodsAndEndpointsAreProtocolErrorsToo() throws Exception {
        assertError(mvc.perform(get(INFER)), 405, null);
        assertError(mvc.perform(post("/v2/health/ready")), 405, null);
        assertError(mvc.perform(post("/v2/repository/index").contentType(MediaType.APPLICATION_JSON).content("{}")), 404,
                "Not an endpoint");
        assertError(mvc.perform(get("/v2/models/polarity-sst2-minilm/generate")), 404, "Not an endpoint");
    }

    private ResultActions infer(String path, String body) throws Exception {
        return mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private static ResultActions assertError(ResultActions response, int status, String part) throws Exception {
        response.andExpect(status().is(status))
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.length()").value(1))
                .andExpect(jsonPath("$.error").isString())
                .andExpect(content().string(not(containsString("Exception"))));
        if (part != null) {
            response.andExpect(jsonPath("$.error").value(containsString(part)));
        }
        return response;
    }

    private static String twoTexts() {
        return tensor("\"name\": \"text\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"I loved it.\", \"A dull mess.\"]");
    }

    private static String tensor(String fields) {
        return "{\"inputs\": [{" + fields + "}]}";
    }

    private static Scored scored() {
        return new Scored("polarity-sst2-minilm", LABELS, List.of(new Scored.TextScore(1, new float[] {0.25f, 0.75f}, false, 0),
                new Scored.TextScore(0, new float[] {0.875f, 0.125f}, false, 0)), 1_000_000, 500_000, 3_000_000);
    }
}
