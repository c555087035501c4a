package dev.polarity.serving;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator may tune, under {@code polarity.*} (or POLARITY_* environment variables).
 * Checked when bound, so that a bad value stops the start-up with a report naming the property
 * instead of failing requests: single values by their constraints, the rules that tie two
 * settings together by the constructors. The {@code @param} lines are the descriptions IDEs show
 * (META-INF/spring-configuration-metadata.json, written by the configuration processor).
 *
 * @param modelPath     Model folder (config.json, tokenizer.json, model.safetensors), relative to the working directory.
 * @param maxTokens     Tokens per text, [CLS] and [SEP] included; longer texts are truncated.
 * @param maxTextChars  Longest text accepted, in characters (413 beyond).
 * @param maxBatchTexts Most texts in one request (413 beyond); at most the batcher's queue capacity.
 * @param maxBodyBytes  Largest request body read, such as 2MB (413 beyond, before parsing). Unset, the largest
 *                      request that max-text-chars and max-batch-texts allow however its JSON is escaped.
 * @param batcher       How the inference thread groups concurrent work.
 * @param requestTimeout Longest a request may wait for its answer; a text still queued then is dropped and the
 *                      request answered 503 (the header X-Request-Timeout-Ms may shorten it).
 */
@ConfigurationProperties("polarity")
@Validated
public record PolarityProperties(
        @NotNull @DefaultValue("models/polarity-sst2-minilm") Path modelPath,
        @Min(2) @DefaultValue("256") int maxTokens,
        @Positive @DefaultValue("20000") int maxTextChars,
        @Positive @DefaultValue("64") int maxBatchTexts,
        DataSize maxBodyBytes,
        @Valid @DefaultValue Batcher batcher,
        @NotNull @DefaultValue("10s") Duration requestTimeout) {

    /** Most bytes one character can take in JSON: beyond the BMP, two escaped surrogates of six bytes each. */
    static final long JSON_BYTES_PER_CHAR = 12;
    /** Room for keys, brackets, quotes, commas and whitespace around the texts. */
    static final long JSON_OVERHEAD_BYTES = 64 * 1024;

    public PolarityProperties {
        // DataSize has no standard constraint.
        require(maxBodyBytes == null || maxBodyBytes.toBytes() >= 1,
                "polarity.max-body-bytes must be positive, got " + maxBodyBytes);
        require(!requestTimeout.isNegative() && !requestTimeout.isZero(), "polarity.request-timeout must be positive, got " + requestTimeout);
        // A request is queued whole or refused whole, so the largest one must fit in an empty queue.
        require(batcher.queueCapacity() >= maxBatchTexts, "polarity.batcher.queue-capacity (" + batcher.queueCapacity()
                + ") must be at least polarity.max-batch-texts (" + maxBatchTexts + ")");
        // The warm-up pass queues one full batch.
        require(batcher.queueCapacity() >= batcher.maxBatchSize(), "polarity.batcher.queue-capacity (" + batcher.queueCapacity()
                + ") must be at least polarity.batcher.max-batch-size (" + batcher.maxBatchSize() + ")");
    }

    /**
     * The body cap. By default the largest request the text and batch limits allow, however its
     * JSON is escaped (with 64 KiB to spare for keys, punctuation and whitespace), so the cap
     * refuses no request those limits would accept; it stops a client from making the server
     * read and parse an unbounded body before those limits can apply.
     */
    public long bodyLimitBytes() {
        if (maxBodyBytes != null) {
            return maxBodyBytes.toBytes();
        }
        // Each text also needs its two quotes and a comma.
        return maxBatchTexts * (maxTextChars * JSON_BYTES_PER_CHAR + 3) + JSON_OVERHEAD_BYTES;
    }

    /**
     * @param maxBatchSize   Most texts in one forward pass.
     * @param maxBatchTokens Most tokens in one forward pass (a longer text still runs, alone), so a pass of long
     *                       texts cannot hold up the short ones queued behind it for long.
     * @param maxWait        How long an idle inference thread waits for a batch to fill; 0, the default, starts a
     *                       pass at once (batches form while the previous pass runs).
     * @param queueCapacity  Most texts waiting at once; beyond it requests get 429.
     * @param consumers      Inference threads taking passes from the queue. With 2, a pass alone still uses every
     *                       core, and passes side by side run on one core each (docs/performance.md).
     * @param callerRunsWhenIdle With one consumer and no maxWait, a request that finds the inference thread idle and
     *                       the queue empty runs its pass on its own thread, sparing two thread hand-offs.
     */
    public record Batcher(
            @Positive @DefaultValue("16") int maxBatchSize,
            @Positive @DefaultValue("2048") int maxBatchTokens,
            @NotNull @DurationMin @DefaultValue("0ms") Duration maxWait,
            @Positive @DefaultValue("1024") int queueCapacity,
            @Positive @jakarta.validation.constraints.Max(64) @DefaultValue("1") int consumers,
            @DefaultValue("true") boolean callerRunsWhenIdle) {}

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
