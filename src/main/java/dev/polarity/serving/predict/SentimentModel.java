package dev.polarity.serving.predict;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import dev.polarity.model.TextEncoder.Encoded;
import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.batching.InferenceBatcher;
import dev.polarity.serving.errors.ModelNotReadyException;
import dev.polarity.serving.metrics.QueueDepth;
import dev.polarity.serving.metrics.SentimentMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The classifier and its inference thread. Loading and warm-up run in the background at start-up,
 * so the server answers liveness probes at once while readiness ({@link ModelHealthIndicator}) and
 * {@code /predict} wait for the warm-up. Its lifecycle phase sits below the web server's: it
 * starts before the server and stops only after the server has finished its in-flight requests,
 * then drains whatever is still queued.
 */
@Component
public class SentimentModel implements SmartLifecycle, DisposableBean, QueueDepth {
    private static final Logger log = LoggerFactory.getLogger(SentimentModel.class);
    private static final List<String> WARM_UP = List.of("This movie was wonderful, I loved every minute of it.",
            "A dull, tedious mess. I hated it.", "An uneven film with a few good scenes.");

    public enum State { LOADING, READY, FAILED, STOPPED }

    private final PolarityProperties properties;
    private final SentimentMetrics metrics;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile State state = State.LOADING;
    private volatile String failure = "";
    private volatile ModelFiles.Loaded loaded;
    private volatile InferenceBatcher batcher;
    private volatile boolean running;
    private boolean loaderStarted;

    SentimentModel(PolarityProperties properties, SentimentMetrics metrics) {
        this.properties = properties;
        this.metrics = metrics;
    }

    public State state() {
        return state;
    }

    /** Why the model is not serving, for 503 bodies: no paths or exception text reach clients. */
    String stateDetail() {
        return switch (state) {
            case LOADING -> "The model is loading and warming up.";
            case READY -> "ready";
            case FAILED -> "The model failed to load; see the server log.";
            case STOPPED -> "The service is shutting down.";
        };
    }

    /** The load failure's message, for the health endpoint's details (hidden unless enabled). */
    String failure() {
        return failure;
    }

    String modelName() {
        ModelFiles.Loaded l = loaded;
        return l == null ? "" : l.name();
    }

    /** The served model's labels in output order; empty until it has loaded. */
    List<String> labels() {
        ModelFiles.Loaded l = loaded;
        return l == null ? List.of() : l.model().labels();
    }

    /**
     * The loaded classifier and its tokenizer for another feature that runs its own passes on its
     * own threads (explanations); the same 503 as /predict until the model is ready.
     */
    public ModelFiles.Loaded readyModel() {
        ModelFiles.Loaded l = loaded;
        if (state != State.READY || l == null) {
            throw new ModelNotReadyException(stateDetail());
        }
        return l;
    }

    /** Waits until loading has succeeded or failed (tests and benchmarks). */
    public State awaitSettled(Duration timeout) throws InterruptedException {
        settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return state;
    }

    @Override
    public int queuedTexts() {
        InferenceBatcher b = batcher;
        return b == null ? 0 : b.queued();
    }

    /** Tokenizes on the calling thread, then waits for the inference thread's batched answer. */
    Scored predict(List<String> texts) {
        ModelFiles.Loaded l = loaded;
        InferenceBatcher b = batcher;
        if (state != State.READY || l == null || b == null) {
            throw new ModelNotReadyException(stateDetail());
        }
        long start = System.nanoTime();
        List<Encoded> encoded = new ArrayList<>(texts.size());
        int[] tokens = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            encoded.add(l.tokenizer().encode(texts.get(i)));
            tokens[i] = encoded.get(i).length();
        }
        long tokenization = System.nanoTime() - start;
        metrics.tokenization(tokenization, tokens);
        InferenceBatcher.Result result = await(b.submit(encoded));
        metrics.queued(result.queueNanos());
        List<String> labels = l.model().labels();
        List<Scored.TextScore> scores = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] p = result.probabilities()[i];
            int best = argmax(p);
            metrics.prediction(labels.get(best));
            scores.add(new Scored.TextScore(best, p, encoded.get(i).truncated()));
        }
        return new Scored(l.name(), labels, Collections.unmodifiableList(scores), tokenization, result.queueNanos(),
                result.inferenceNanos());
    }

    private static InferenceBatcher.Result await(CompletableFuture<InferenceBatcher.Result> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("inference failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelNotReadyException("interrupted while waiting for the inference thread");
        }
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The only forward pass of the service: eval() mode, no autograd graph. */
    private static float[][] forward(SequenceClassifier model, List<Encoded> texts) {
        if (model.isTraining()) {
            throw new IllegalStateException("the model is in training mode; serving needs eval()");
        }
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            return model.probabilities(TextEncoder.pad(texts));
        }
    }

    private void load() {
        long start = System.nanoTime();
        try {
            ModelFiles.Loaded l = ModelFiles.loadClassifier(properties.modelPath(), properties.maxTokens());
            l.model().eval();
            InferenceBatcher b = newBatcher(l);
            try {
                warmUp(l, b, properties.batcher().maxBatchSize());
            } catch (Exception e) {
                b.close();
                l.close();
                throw e;
            }
            synchronized (this) {
                loaded = l;
                if (running) {
                    batcher = b;
                    state = State.READY;
                    log.info("model {} ready: labels {}, loaded and warmed up in {} ms", l.name(), l.model().labels(),
                            (System.nanoTime() - start) / 1_000_000);
                } else {
                    b.close(); // stopped while loading: keep the model for a later start()
                }
            }
        } catch (Exception | LinkageError e) {
            failure = String.valueOf(e.getMessage());
            state = State.FAILED;
            log.error("cannot serve: the model at {} failed to load: {}", properties.modelPath().toAbsolutePath(), failure, e);
        } finally {
            settled.countDown();
        }
    }

    private InferenceBatcher newBatcher(ModelFiles.Loaded l) {
        PolarityProperties.Batcher settings = properties.batcher();
        return new InferenceBatcher("polarity-inference", settings.maxBatchSize(), settings.maxWait(),
                settings.queueCapacity(), texts -> forward(l.model(), texts),
                s -> metrics.forwardPass(s.texts(), s.nanos(), s.allocatedBytes(), s.autogradNodes()));
    }

    /** A small pass, then a full one, through the real path so the JIT and the kernel pool are hot. */
    private static void warmUp(ModelFiles.Loaded l, InferenceBatcher b, int maxBatchSize) throws Exception {
        List<Encoded> small = WARM_UP.stream().map(l.tokenizer()::encode).toList();
        b.submit(small).get();
        List<Encoded> full = new ArrayList<>(maxBatchSize);
        for (int i = 0; i < maxBatchSize; i++) {
            full.add(small.get(i % small.size()));
        }
        b.submit(full).get();
    }

    /**
     * Loads the model in the background the first time; after a stop() (Spring may stop and restart
     * a context, as its test context cache does) it only starts a new inference thread.
     */
    @Override
    public synchronized void start() {
        running = true;
        if (loaded != null) {
            batcher = newBatcher(loaded);
            state = State.READY;
        } else if (!loaderStarted) {
            loaderStarted = true;
            Thread loader = new Thread(this::load, "polarity-model-loader");
            loader.setDaemon(true);
            loader.start();
        }
    }

    /** Refuses new work, then lets the inference thread finish everything already queued. */
    @Override
    public synchronized void stop() {
        running = false;
        if (state != State.FAILED) {
            state = State.STOPPED;
        }
        InferenceBatcher b = batcher;
        batcher = null;
        if (b != null) {
            b.close();
            log.info("inference thread drained and stopped");
        }
    }

    /** The tokenizer holds native memory: released when the context closes, not on every stop(). */
    @Override
    public synchronized void destroy() {
        ModelFiles.Loaded l = loaded;
        loaded = null;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 4096;
    }
}
