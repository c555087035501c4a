package dev.polarity.serving.explain;

import dev.polarity.explain.Explainer;
import dev.polarity.explain.Explanation;
import dev.polarity.explain.Method;
import dev.polarity.explain.PieceTokenizer;
import dev.polarity.explain.Pieces;
import dev.polarity.model.ModelFiles;
import dev.polarity.serving.errors.InvalidRequestException;
import dev.polarity.serving.errors.PayloadTooLargeException;
import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.predict.SentimentModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs explanations on a bounded pool of its own, never on the inference thread: a request
 * tokenizes on its own thread, waits at most {@code polarity.explain.timeout} for a pool thread to
 * explain, and is refused at once (429) when the pool and its queue are full. The model is the
 * served one, shared read-only: grad mode is per thread, so the inference thread's noGrad() and
 * this pool's recorded graphs do not meet.
 */
@Component
class ExplainService implements DisposableBean {
    private static final com.sun.management.ThreadMXBean THREADS =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() ? t : null;

    /** What the controller turns into JSON. */
    record Result(String model, List<String> labels, Explanation explanation) {}

    private final SentimentModel model;
    private final ExplainProperties properties;
    private final ExplainMetrics metrics;
    private final ExplainPool pool;
    private final Path tokenizerJson;
    private ModelFiles.Loaded forModel;
    private Engine engine;

    private record Engine(Explainer explainer, PieceTokenizer tokenizer) {}

    ExplainService(SentimentModel model, PolarityProperties served, ExplainProperties properties, ExplainMetrics metrics) {
        this.model = model;
        this.tokenizerJson = served.modelPath().resolve(ModelFiles.TOKENIZER);
        this.properties = properties;
        this.metrics = metrics;
        pool = new ExplainPool(properties.threads(), properties.queueCapacity(), "polarity-explain");
    }

    Result explain(ExplainRequestReader.ExplainRequest request) {
        ModelFiles.Loaded loaded = model.readyModel();
        Engine engine = engine(loaded);
        Explainer e = engine.explainer();
        List<String> labels = loaded.model().labels();
        int target = -1;
        if (request.target() != null) {
            target = labels.indexOf(request.target());
            if (target < 0) {
                throw new InvalidRequestException("\"target\" must be one of " + labels + ".");
            }
        }
        Pieces pieces = engine.tokenizer().encode(request.text());
        if (pieces.length() > properties.maxTokens()) {
            throw new PayloadTooLargeException("\"text\" is " + pieces.length() + " tokens long; explanations take at most "
                    + properties.maxTokens() + " ([CLS] and [SEP] included).");
        }
        int t = target;
        Explanation explanation = pool.run(() -> measured(e, pieces, request.method(), t, request.steps()), properties.timeout());
        return new Result(loaded.name(), labels, explanation);
    }

    /** Runs on a pool thread, where graph nodes and allocated bytes are that explanation's own. */
    private Explanation measured(Explainer e, Pieces pieces, Method method, int target, int steps) {
        long allocatedBefore = allocated();
        long start = System.nanoTime();
        // Background work: each kernel waits while /predict has work, so explanations take the
        // cores only when inference leaves them idle.
        Explanation explanation = dev.polarity.engine.Engine.inBackground(model::inferenceBusy, properties.maxDeferral(),
                () -> e.explain(pieces, method, target, steps));
        long nanos = System.nanoTime() - start;
        long allocatedAfter = allocated();
        metrics.explained(method, nanos, explanation.graphNodes(),
                allocatedBefore < 0 ? -1 : allocatedAfter - allocatedBefore);
        return explanation;
    }

    private static long allocated() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Built on first use from the served model (the same weights /predict runs), with an offset-keeping tokenizer. */
    private synchronized Engine engine(ModelFiles.Loaded loaded) {
        if (forModel != loaded) {
            PieceTokenizer tokenizer;
            try {
                tokenizer = new PieceTokenizer(tokenizerJson);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (engine != null) {
                engine.tokenizer().close();
            }
            engine = new Engine(new Explainer(loaded.model(), loaded.model().encoder().config().padTokenId(),
                    properties.maxPassTokens()), tokenizer);
            forModel = loaded;
        }
        return engine;
    }

    @Override
    public synchronized void destroy() {
        pool.close();
        if (engine != null) {
            engine.tokenizer().close();
            engine = null;
        }
    }
}
