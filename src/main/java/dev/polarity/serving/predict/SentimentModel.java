package dev.polarity.serving.predict;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import dev.polarity.model.TextEncoder.Encoded;
import dev.polarity.engine.Engine;
import dev.polarity.serving.EngineProperties;
import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.batching.Admission;
import dev.polarity.serving.batching.InferenceBatcher;
import dev.polarity.serving.errors.ModelNotReadyException;
import dev.polarity.serving.errors.PayloadTooLargeException;
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
    private final EngineProperties engine;
    private final SentimentMetrics metrics;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile State state = State.LOADING;
    private volatile String failure = "";
    private volatile ModelFiles.Loaded loaded;
    private volatile InferenceBatcher batcher;
    private volatile Windows windows;
    private volatile boolean running;
    private boolean loaderStarted;

    SentimentModel(PolarityProperties properties, EngineProperties engine, SentimentMetrics metrics) {
        this.properties = properties;
        this.engine = engine;
        this.metrics = metrics;
    }

    public State state() {
        return state;
    }

    /** Why the model is not serving, for 503 bodies: no paths or exception text reach clients. */
    public String stateDetail() {
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

    /** The served model's name (its folder's); empty until it has loaded. */
    public String modelName() {
        ModelFiles.Loaded l = loaded;
        return l == null ? "" : l.name();
    }

    /** The served model's labels in output order; empty until it has loaded. */
    public List<String> labels() {
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

    /** True when the queue would refuse one more text now: lets a request be refused before its body is read. */
    boolean queueFull() {
        InferenceBatcher b = batcher;
        return b != null && !b.hasRoom();
    }

    /** Whether /predict has work in hand (a pass running or texts admitted): what explanations defer to. */
    public boolean inferenceBusy() {
        InferenceBatcher b = batcher;
        return b != null && b.busy();
    }

    @Override
    public int queuedTexts() {
        InferenceBatcher b = batcher;
        return b == null ? 0 : b.queued();
    }

    /**
     * Tokenizes on the calling thread, then waits for the inference thread's batched answer, with
     * the server's request timeout and long texts truncated. Public so that every API (POST
     * /predict, the Open Inference Protocol) shares one path, its metrics and its refusals:
     * ModelNotReadyException, QueueFullException, BatcherClosedException, DeadlineExceededException.
     */
    public Scored predict(List<String> texts) {
        return predict(texts, LongTexts.TRUNCATE, System.nanoTime() + properties.requestTimeout().toNanos());
    }

    /**
     * Claims the texts' queue slots, tokenizes on the calling thread, then waits for the inference
     * thread's batched answer. A full queue refuses the request before it costs a tokenization;
     * texts still queued at {@code deadline} ({@link System#nanoTime()} scale) are dropped.
     */
    Scored predict(List<String> texts, LongTexts longTexts, long deadline) {
        ModelFiles.Loaded l = loaded;
        InferenceBatcher b = batcher;
        Windows w = windows;
        if (state != State.READY || l == null || b == null || w == null) {
            throw new ModelNotReadyException(stateDetail());
        }
        CompletableFuture<InferenceBatcher.Result> answer;
        Encodings encoded;
        long tokenization;
        try (Admission admission = b.admit(texts.size())) {
            long start = System.nanoTime();
            encoded = Encodings.of(texts, longTexts, l.tokenizer(), w, properties.maxTokens());
            tokenization = System.nanoTime() - start;
            metrics.tokenization(tokenization, encoded.tokens());
            if (encoded.sequences().size() > properties.batcher().queueCapacity()) {
                // More windows than the queue holds: retrying would never help, so not a 429.
                throw new PayloadTooLargeException("The texts make " + encoded.sequences().size()
                        + " windows; at most " + properties.batcher().queueCapacity() + " fit in the queue.");
            }
            answer = b.submit(admission, encoded.sequences(), deadline);
        }
        InferenceBatcher.Result result = await(answer);
        metrics.queued(result.queueNanos());
        List<String> labels = l.model().labels();
        List<Scored.TextScore> scores = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] p = encoded.probabilities(i, result.probabilities());
            int best = argmax(p);
            metrics.prediction(labels.get(best));
            scores.add(new Scored.TextScore(best, p, encoded.truncated()[i], encoded.windows()[i]));
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
            Engine.configure(engine.settings()); // polarity.engine.*: the one place the server sets the engine's switches
            ModelFiles.Loaded l = ModelFiles.loadClassifier(properties.modelPath(), properties.maxTokens());
            l.model().eval();
            l.model().encoder().setFastPath(engine.fastPath());
            windows = new Windows(properties.modelPath().resolve(ModelFiles.TOKENIZER), properties.maxTokens());
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
        return new InferenceBatcher("polarity-inference", settings.maxBatchSize(), settings.maxBatchTokens(),
                settings.maxWait(),
                settings.queueCapacity(), settings.consumers(), settings.callerRunsWhenIdle(), texts -> forward(l.model(), texts),
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
        Windows w = windows;
        windows = null;
        if (w != null) {
            w.close();
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
