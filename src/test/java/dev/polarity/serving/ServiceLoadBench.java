package dev.polarity.serving;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.model.Batch;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.TextEncoder;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.SentimentModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load benchmark (mvn -B -Pbench verify): the service on a random loopback port under 1, 8 and 64
 * concurrent clients sending one SST-2 dev sentence per request, next to the engine's raw batch
 * throughput on the same sentences, measured in the same JVM before and after the service levels,
 * and the CPU share of each group of threads. Each phase is bounded in time
 * (-Dbench.seconds, default 15) and count. Prints a table; asserts nothing about time.
 */
@Tag("bench")
@SpringBootTest(classes = PolarityServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.address=127.0.0.1")
class ServiceLoadBench {
    private static final int[] CONCURRENCY = {1, 8, 64};
    private static final int MAX_REQUESTS = 100_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    SentimentModel service;

    @Autowired
    PolarityProperties properties;

    @Autowired
    MeterRegistry registry;

    @Test
    void throughputAndLatency() throws Exception {
        service.awaitSettled(Duration.ofMinutes(3));
        Duration phase = Duration.ofSeconds(Long.getLong("bench.seconds", 15));
        List<String> texts = sentences();
        int batchSize = properties.batcher().maxBatchSize();
        // Unmeasured warm-up of both paths first: the JIT was still compiling 8-18% of the time in
        // the phases of a bench that skipped this.
        Duration warm = Duration.ofSeconds(Math.min(5, phase.toSeconds()));
        rawSentencesPerSecond(texts, batchSize, warm, false);
        load(texts, 64, warm);
        double rawArrival = rawSentencesPerSecond(texts, batchSize, phase, false);
        double raw = rawSentencesPerSecond(texts, batchSize, phase, true);

        System.out.printf("%nservice load, %d SST-2 sentences, %d cores, max batch %d, max wait %s, %s per phase%n",
                texts.size(), Runtime.getRuntime().availableProcessors(), batchSize, properties.batcher().maxWait(), phase);
        System.out.printf("%-22s %10s %10s %10s %10s %8s %10s %10s%n", "", "requests", "req/s", "p50 ms", "p99 ms",
                "errors", "mean batch", "busy");
        double at64 = 0;
        List<String> cpuLines = new ArrayList<>();
        for (int c : CONCURRENCY) {
            Timer inference = registry.get(SentimentMetrics.INFERENCE).timer();
            double busyBefore = inference.totalTime(TimeUnit.SECONDS);
            long passesBefore = inference.count();
            double textsBefore = registry.get(SentimentMetrics.BATCH_SIZE).summary().totalAmount();
            Map<String, Long> cpuBefore = ThreadCpu.snapshot();
            long start = System.nanoTime();
            Load load = load(texts, c, phase);
            String cpu = ThreadCpu.top(cpuBefore, ThreadCpu.snapshot(), 8);
            // busy: share of the wall time (unmeasured warm-up second included) spent in forward passes
            double busy = (inference.totalTime(TimeUnit.SECONDS) - busyBefore) / ((System.nanoTime() - start) / 1e9);
            double meanBatch = (registry.get(SentimentMetrics.BATCH_SIZE).summary().totalAmount() - textsBefore)
                    / Math.max(1, inference.count() - passesBefore);
            System.out.printf("%-22s %10d %10.1f %10.2f %10.2f %8d %10.1f %9.0f%%%n", "service, concurrency " + c,
                    load.requests(), load.perSecond(), load.percentile(0.50), load.percentile(0.99), load.errors(),
                    meanBatch, 100 * busy);
            cpuLines.add(String.format("cpu at concurrency %d: %s", c, cpu));
            at64 = load.perSecond();
        }
        // The raw figures again after the service levels: the ratio is taken against the best of all
        // four, so a machine that got faster (or slower) during the run cannot flatter the service.
        double rawArrivalAfter = rawSentencesPerSecond(texts, batchSize, phase, false);
        double rawAfter = rawSentencesPerSecond(texts, batchSize, phase, true);
        System.out.printf("%-22s %10s %10.1f   sentences/s, batches of %d in file order, tokenized beforehand (%.1f after)%n",
                "engine raw", "", rawArrival, batchSize, rawArrivalAfter);
        System.out.printf("%-22s %10s %10.1f   sentences/s, batches of %d sorted by length, tokenized beforehand (%.1f after)%n",
                "engine raw, sorted", "", raw, batchSize, rawAfter);
        double best = Math.max(Math.max(rawArrival, raw), Math.max(rawArrivalAfter, rawAfter));
        System.out.printf("service@64 / best raw = %.2f   (against the mean of the four raw figures: %.2f)%n%n", at64 / best,
                at64 / ((rawArrival + raw + rawArrivalAfter + rawAfter) / 4));
        cpuLines.forEach(System.out::println);
    }

    /**
     * The model called directly, as the inference thread does, without HTTP, tokenization or
     * queueing; sorted by length it is the best the engine can do with these sentences.
     */
    private double rawSentencesPerSecond(List<String> texts, int batchSize, Duration limit, boolean sortByLength)
            throws IOException {
        try (ModelFiles.Loaded loaded = ModelFiles.loadClassifier(properties.modelPath(), properties.maxTokens())) {
            List<TextEncoder.Encoded> encoded = new ArrayList<>(texts.stream().map(loaded.tokenizer()::encode).toList());
            if (sortByLength) {
                encoded.sort(Comparator.comparingInt(TextEncoder.Encoded::length));
            }
            List<Batch> batches = new ArrayList<>();
            for (int from = 0; from + batchSize <= encoded.size(); from += batchSize) {
                batches.add(TextEncoder.pad(encoded.subList(from, from + batchSize)));
            }
            loaded.model().eval();
            try (GradMode.Scope noGrad = GradMode.noGrad()) {
                for (int i = 0; i < 3; i++) {
                    loaded.model().probabilities(batches.get(i % batches.size()));
                }
                long start = System.nanoTime();
                long deadline = start + limit.toNanos();
                long sentences = 0;
                // Whole passes over the sentences only: a partial pass over length-sorted batches
                // would count only the shortest sentences and flatter the figure.
                while (System.nanoTime() < deadline && sentences < MAX_REQUESTS) {
                    for (Batch b : batches) {
                        loaded.model().probabilities(b);
                        sentences += b.size();
                    }
                }
                return sentences / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    private Load load(List<String> texts, int clients, Duration limit) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> bodies = texts.stream().map(t -> "{\"text\": " + JSON.writeValueAsString(t) + "}").toList();
        URI uri = URI.create("http://127.0.0.1:" + port + "/predict");
        // A short unmeasured run first, so each level starts with warm connections.
        run(http, uri, bodies, clients, System.nanoTime() + 1_000_000_000L, new long[clients][]);
        long[][] latencies = new long[clients][];
        long start = System.nanoTime();
        int errors = run(http, uri, bodies, clients, start + limit.toNanos(), latencies);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Load(all, seconds, errors);
    }

    private static int run(HttpClient http, URI uri, List<String> bodies, int clients, long deadline, long[][] latencies)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    long[] mine = new long[MAX_REQUESTS / clients];
                    int n = 0;
                    int errors = 0;
                    while (System.nanoTime() < deadline && n < mine.length) {
                        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get((client * 7919 + n) % bodies.size()))).build();
                        long t0 = System.nanoTime();
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        mine[n++] = System.nanoTime() - t0;
                        errors += response.statusCode() == 200 ? 0 : 1;
                    }
                    latencies[client] = Arrays.copyOf(mine, n);
                    return errors;
                }));
            }
            int errors = 0;
            for (Future<Integer> f : done) {
                errors += f.get();
            }
            return errors;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> sentences() throws IOException {
        Path dev = Path.of(System.getProperty("sst2.dir", "../shared/data/sst2"), "dev.tsv");
        if (!Files.isRegularFile(dev)) {
            return List.of(RunningService.POSITIVE, RunningService.NEGATIVE, "An uneven film with a few good scenes.",
                    "I would not watch it again, even for free.", "The cast is superb and the story moves along nicely.");
        }
        return Files.readAllLines(dev).stream().skip(1).map(l -> l.substring(l.indexOf('\t') + 1)).filter(s -> !s.isBlank()).toList();
    }

    private record Load(long[] sortedNanos, double seconds, int errors) {
        int requests() {
            return sortedNanos.length;
        }

        double perSecond() {
            return sortedNanos.length / seconds;
        }

        double percentile(double q) {
            return sortedNanos.length == 0 ? Double.NaN
                    : sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1)] / 1e6;
        }
    }
}
