package dev.polarity.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real image, built from the Dockerfile with the packaged jar (so an integration test, after
 * {@code package}), run as Kubernetes runs it: the ConfigMap's settings, read-only root file
 * system, a writable /tmp, a memory limit. It must become healthy through its own HEALTHCHECK, answer /predict and
 * /actuator/prometheus, and on {@code docker stop} (SIGTERM) answer every request it had accepted.
 *
 * <p>The base image comes from {@code POLARITY_BASE_IMAGE} ({@code .ci/run} builds one locally,
 * since nothing can be pulled there); without it the Dockerfile's default is used.
 */
class DockerImageIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final int PORT = 8080;
    private static final String POSITIVE = "This movie was wonderful, I loved every minute of it.";
    private static final String NEGATIVE = "A dull, tedious mess. I hated it.";
    /** Requests in flight at the stop, each of TEXTS texts (the most one request may hold): some seconds of work. */
    private static final int IN_FLIGHT = 8;
    private static final int TEXTS = 64;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern ACTIVE_POSTS = Pattern.compile(
            "^http_server_requests_active_seconds_count\\{[^}]*method=\"POST\"[^}]*} (\\S+)$", Pattern.MULTILINE);

    @Test
    void imageServesReportsMetricsAndAnswersEveryAcceptedRequestWhenStopped() throws Exception {
        Required.that(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine",
                "start dockerd (see .ci/run) or Docker Desktop");
        Path jar = ROOT.resolve("target/polarity.jar");
        assertThat(jar).as("run after `mvn package`").isRegularFile();

        // The build context is the repository root, filtered by .dockerignore as `docker build .` does.
        // Kept under one tag, so a rebuild reuses the model's layer; .ci/run prunes dangling layers.
        ImageFromDockerfile image = new ImageFromDockerfile("polarity-it:latest", false)
                .withDockerfile(ROOT.resolve("Dockerfile"));
        String base = System.getenv("POLARITY_BASE_IMAGE");
        if (base != null && !base.isBlank()) {
            image.withBuildArg("BASE_IMAGE", base);
        }
        long buildAt = System.nanoTime();
        String imageName;
        try {
            imageName = image.get();
        } catch (RuntimeException e) {
            throw new AssertionError("building the image from the Dockerfile failed. Without a registry, build a base"
                    + " image first (bash .ci/base-image) and set POLARITY_BASE_IMAGE=polarity/jre-base:trixie-25", e);
        }
        long size = DockerClientFactory.instance().client().inspectImageCmd(imageName).exec().getSize();
        System.out.printf("DockerImageIT: built %s on %s in %.1f s, %d MB%n", imageName,
                base == null ? "the default base" : base, (System.nanoTime() - buildAt) / 1e9, size / 1_000_000);
        ToStringConsumer logs = new ToStringConsumer();
        try (GenericContainer<?> app = new GenericContainer<>(image)
                .withExposedPorts(PORT)
                // The settings Kubernetes gives it (k8s/configmap.yaml), so they are proven to start it.
                .withEnv(kubernetesSettings())
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.getHostConfig()
                            // Published on the loopback interface only, never on all interfaces.
                            .withPublishAllPorts(false)
                            .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(PORT)))
                            // As in k8s/deployment.yaml: read-only root, a writable /tmp, 2 GiB.
                            .withReadonlyRootfs(true)
                            .withTmpFs(Map.of("/tmp", "rw,exec,size=256m"))
                            .withMemory(2L << 30);
                    // The image's own check command, polled every 2 s instead of 10 s to save test time.
                    cmd.withHealthcheck(new HealthCheck().withInterval(Duration.ofSeconds(2).toNanos()));
                })
                .withLogConsumer(logs)
                // The image's own HEALTHCHECK, which probes readiness (model loaded and warm).
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(4)))) {
            long startAt = System.nanoTime();
            app.start();
            System.out.printf("DockerImageIT: container healthy in %.1f s%n", (System.nanoTime() - startAt) / 1e9);
            String url = "http://127.0.0.1:" + app.getMappedPort(PORT);

            HttpResponse<String> readiness = get(url + "/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(readiness.body()).get("status").stringValue()).isEqualTo("UP");

            // The entry point runs the JVM (PID 1) under SCHED_BATCH, which needs no privilege.
            assertThat(app.execInContainer("chrt", "-p", "1").getStdout()).contains("SCHED_BATCH");

            HttpResponse<String> predicted = predict(url, List.of(POSITIVE, NEGATIVE)).join();
            assertThat(predicted.statusCode()).isEqualTo(200);
            assertThat(labels(predicted)).containsExactly("positive", "negative");

            String scrape = get(url + "/actuator/prometheus").body();
            assertThat(scrape).contains("sentiment_request_duration_seconds_count", "sentiment_inference_duration_seconds_bucket",
                    "label=\"positive\"", "sentiment_autograd_nodes_total");

            stopWhileRequestsAreInFlight(app, url, logs);
        }
    }

    private void stopWhileRequestsAreInFlight(GenericContainer<?> app, String url, ToStringConsumer logs) throws Exception {
        List<String> texts = new ArrayList<>(TEXTS);
        List<String> expected = new ArrayList<>(TEXTS);
        for (int i = 0; i < TEXTS; i++) {
            texts.add(i % 2 == 0 ? POSITIVE : NEGATIVE);
            expected.add(i % 2 == 0 ? "positive" : "negative");
        }
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            inFlight.add(predict(url, texts));
        }
        // Accepted = inside the server (its own count of active POSTs) or already answered.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int active = 0;
        long done = 0;
        while (System.nanoTime() < deadline) {
            active = activePosts(get(url + "/actuator/prometheus").body());
            done = inFlight.stream().filter(CompletableFuture::isDone).count();
            if (active > 0 && active + done == IN_FLIGHT) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(active + done).as("requests accepted by the server before the stop").isEqualTo(IN_FLIGHT);
        System.out.printf("DockerImageIT: stopping with %d of %d requests in flight%n", active, IN_FLIGHT);

        String id = app.getContainerId();
        long stopAt = System.nanoTime();
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() ->
                app.getDockerClient().stopContainerCmd(id).withTimeout(90).exec());
        Thread.sleep(500);
        // After SIGTERM the server takes no new work: a new request is refused, never served.
        boolean stillWorking = inFlight.stream().anyMatch(request -> !request.isDone());
        CompletableFuture<HttpResponse<String>> late = predict(url, List.of(POSITIVE));
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).handle((r, e) -> null).join();
        double lastAnswer = (System.nanoTime() - stopAt) / 1e9;
        stop.get();
        double stopSeconds = (System.nanoTime() - stopAt) / 1e9;

        for (CompletableFuture<HttpResponse<String>> request : inFlight) {
            HttpResponse<String> response = request.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(labels(response)).isEqualTo(expected);
        }
        assertThat(late.handle((response, failure) -> failure != null || response.statusCode() != 200).join())
                .as("a request sent after the stop signal is not served").isTrue();

        InspectContainerResponse.ContainerState state = app.getDockerClient().inspectContainerCmd(id).exec().getState();
        System.out.printf("DockerImageIT: last in-flight answer %.1f s after the stop signal (work left at 0.5 s: %s);"
                + " container exited after %.1f s with code %d%n", lastAnswer, stillWorking, stopSeconds, state.getExitCodeLong());
        assertThat(state.getOOMKilled()).isFalse();
        // 137 would mean docker had to SIGKILL it after the timeout; the JVM exits by itself on SIGTERM.
        assertThat(state.getExitCodeLong()).isNotEqualTo(137L);
        assertThat(logs.toUtf8String()).contains("Graceful shutdown complete", "inference thread drained and stopped");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> kubernetesSettings() throws IOException {
        Map<String, Object> configMap = new Yaml().load(Files.readString(ROOT.resolve("k8s/configmap.yaml")));
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) configMap.get("data")).forEach((key, value) -> env.put(key, String.valueOf(value)));
        return env;
    }

    private static int activePosts(String scrape) {
        Matcher m = ACTIVE_POSTS.matcher(scrape);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return (int) sum;
    }

    private static CompletableFuture<HttpResponse<String>> predict(String url, List<String> texts) {
        String body = JSON.writeValueAsString(Map.of("texts", texts));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/predict")).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> labels(HttpResponse<String> response) {
        List<String> labels = new ArrayList<>();
        for (JsonNode prediction : JSON.readTree(response.body()).get("predictions")) {
            labels.add(prediction.get("label").stringValue());
        }
        return labels;
    }

}
