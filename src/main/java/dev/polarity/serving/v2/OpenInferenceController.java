package dev.polarity.serving.v2;

import dev.polarity.model.ModelFiles;
import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.Scored;
import dev.polarity.serving.predict.SentimentModel;
import dev.polarity.serving.v2.V2Messages.InferenceResponse;
import dev.polarity.serving.v2.V2Messages.Live;
import dev.polarity.serving.v2.V2Messages.ModelMetadata;
import dev.polarity.serving.v2.V2Messages.ModelReady;
import dev.polarity.serving.v2.V2Messages.OutputTensor;
import dev.polarity.serving.v2.V2Messages.Ready;
import dev.polarity.serving.v2.V2Messages.ServerMetadata;
import dev.polarity.serving.v2.V2Messages.TensorMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The Open Inference Protocol (KServe V2) over REST, so KServe, Triton and their clients can use
 * the service as they would any model server. It serves one model, under its folder's name, as
 * version "1". Inference goes through {@link SentimentModel#predict}, the path POST /predict
 * takes, so the same limits, queue, metrics and refusals apply; refusals are answered as the
 * protocol wants them ({@link OpenInferenceErrors}). Not-ready answers 503, a status that says
 * "false" to the protocol's health checks and "try later" to everything else.
 */
@RestController
@RequestMapping(path = "/v2", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "open-inference", description = "Open Inference Protocol (KServe V2): health, metadata, inference")
class OpenInferenceController {
    static final String VERSION = "1";
    static final String PLATFORM = "polarity";
    /** This controller's paths, for {@link #elsewhere}: /v2, health, and a model with or without its version. */
    private static final List<Pattern> ROUTES = Stream.of("/v2", "/v2/health/(live|ready)",
            "/v2/models/[^/]+(/versions/[^/]+)?(/ready|/infer)?").map(Pattern::compile).toList();

    private final SentimentModel model;
    private final SentimentMetrics metrics;
    private final PolarityProperties properties;
    private final InferRequestReader reader;
    private final String serverVersion;

    OpenInferenceController(SentimentModel model, SentimentMetrics metrics, PolarityProperties properties,
                            ObjectProvider<BuildProperties> build) {
        this.model = model;
        this.metrics = metrics;
        this.properties = properties;
        this.reader = new InferRequestReader(properties.maxTextChars(), properties.maxBatchTexts());
        BuildProperties info = build.getIfAvailable();
        this.serverVersion = info == null || info.getVersion() == null ? "unknown" : info.getVersion();
    }

    @Operation(summary = "Server metadata")
    @GetMapping
    ServerMetadata server() {
        return new ServerMetadata(PLATFORM, serverVersion, List.of());
    }

    @Operation(summary = "Live: the process answers (Kubernetes livenessProbe)")
    @GetMapping("/health/live")
    Live live() {
        return new Live(true);
    }

    @Operation(summary = "Ready: 200 once the model has loaded and warmed up, 503 before (Kubernetes readinessProbe)")
    @GetMapping("/health/ready")
    ResponseEntity<Ready> ready() {
        boolean ready = isReady();
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(new Ready(ready));
    }

    @Operation(summary = "The model's metadata: its input and output tensors")
    @GetMapping({"/models/{name}", "/models/{name}/versions/{version}"})
    ModelMetadata metadata(@PathVariable String name, @PathVariable(required = false) String version) {
        check(name, version);
        // Known once loaded; before that the column count is left open.
        int labels = model.labels().isEmpty() ? -1 : model.labels().size();
        return new ModelMetadata(served(), List.of(VERSION), PLATFORM,
                List.of(new TensorMetadata(InferRequestReader.INPUT, "BYTES", List.of(-1))),
                List.of(new TensorMetadata(InferRequestReader.PROBABILITIES, "FP32", List.of(-1, labels)),
                        new TensorMetadata(InferRequestReader.LABEL, "BYTES", List.of(-1))));
    }

    @Operation(summary = "Model ready: 200 when it can infer, 503 while it loads or after it failed")
    @GetMapping({"/models/{name}/ready", "/models/{name}/versions/{version}/ready"})
    ResponseEntity<ModelReady> modelReady(@PathVariable String name, @PathVariable(required = false) String version) {
        check(name, version);
        boolean ready = isReady();
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(new ModelReady(served(), ready));
    }

    @Operation(summary = "Inference: a BYTES tensor of texts in, probabilities (FP32 [n, labels], in the model's "
            + "label order) and labels (BYTES [n]) out",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = V2Messages.InferenceRequest.class))))
    @ApiResponse(responseCode = "200", description = "Outputs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = InferenceResponse.class)))
    @ApiResponse(responseCode = "400", description = "Malformed JSON, a tensor other than one BYTES \"text\", a shape "
            + "that does not match the data, a blank or non-string text", content = @Content(schema = @Schema(implementation = V2Messages.Error.class)))
    @ApiResponse(responseCode = "404", description = "Another model or version", content = @Content(schema = @Schema(implementation = V2Messages.Error.class)))
    @ApiResponse(responseCode = "413", description = "A text over the character limit, too many texts, or a body over the byte cap",
            content = @Content(schema = @Schema(implementation = V2Messages.Error.class)))
    @ApiResponse(responseCode = "429", description = "The inference queue is full", content = @Content(schema = @Schema(implementation = V2Messages.Error.class)))
    @ApiResponse(responseCode = "503", description = "The model is not ready, or the service is shutting down",
            content = @Content(schema = @Schema(implementation = V2Messages.Error.class)))
    @PostMapping({"/models/{name}/infer", "/models/{name}/versions/{version}/infer"})
    ResponseEntity<InferenceResponse> infer(@PathVariable String name, @PathVariable(required = false) String version,
                                            @RequestBody @io.swagger.v3.oas.annotations.parameters.RequestBody JsonNode body) {
        long start = System.nanoTime();
        check(name, version);
        InferRequestReader.Parsed request = reader.read(body);
        Scored scored = model.predict(request.texts());
        List<OutputTensor> outputs = new ArrayList<>(2);
        for (String output : request.outputs().isEmpty() ? List.of(InferRequestReader.PROBABILITIES, InferRequestReader.LABEL)
                : request.outputs()) {
            outputs.add(output.equals(InferRequestReader.LABEL) ? labels(scored) : probabilities(scored));
        }
        long total = System.nanoTime() - start;
        metrics.request(total);
        return ResponseEntity.ok()
                .header("x-tokenization-time", millis(scored.tokenizationNanos()))
                .header("x-queue-time", millis(scored.queueNanos()))
                .header("x-inference-time", millis(scored.inferenceNanos()))
                .header("x-total-time", millis(total))
                .body(new InferenceResponse(scored.model(), VERSION, request.id(), outputs));
    }

    /**
     * Any other /v2 request: without this, Spring's 404 and 405 would reach the client as RFC 9457
     * problems from the service-wide advice, not as the protocol's errors. A path this controller
     * serves under another method is a 405; anything else (the repository extension, a model's
     * generate endpoint...) is not served here: 404.
     */
    @Operation(hidden = true)
    @RequestMapping("/**")
    ResponseEntity<Void> elsewhere(HttpServletRequest request) throws HttpRequestMethodNotSupportedException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean served = ROUTES.stream().anyMatch(route -> route.matcher(path).matches());
        if (served) {
            throw new HttpRequestMethodNotSupportedException(request.getMethod());
        }
        throw new UnknownEndpointException();
    }

    private static OutputTensor probabilities(Scored scored) {
        int n = scored.texts().size();
        int k = scored.labels().size();
        float[] data = new float[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(scored.texts().get(i).probabilities(), 0, data, i * k, k);
        }
        return new OutputTensor(InferRequestReader.PROBABILITIES, List.of(n, k), "FP32", data);
    }

    private static OutputTensor labels(Scored scored) {
        List<String> data = scored.texts().stream().map(t -> scored.labels().get(t.best())).toList();
        return new OutputTensor(InferRequestReader.LABEL, List.of(data.size()), "BYTES", data);
    }

    private boolean isReady() {
        return model.state() == SentimentModel.State.READY;
    }

    /** The served model's name: the loaded one's, or before loading the configured folder's. */
    private String served() {
        String loaded = model.modelName();
        return loaded.isEmpty() ? ModelFiles.name(properties.modelPath()) : loaded;
    }

    private void check(String name, String version) {
        if (!served().equals(name) || (version != null && !VERSION.equals(version))) {
            throw new UnknownModelException(served(), VERSION);
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
