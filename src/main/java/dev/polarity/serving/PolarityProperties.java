package dev.polarity.serving;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything an operator may tune, under {@code polarity.*} (or POLARITY_* environment variables).
 * Checked here so that a bad value stops the start-up with one line instead of failing requests.
 *
 * @param modelPath     model folder (config.json, tokenizer.json, model.safetensors); relative to the working directory
 * @param maxTokens     token limit per text, [CLS] and [SEP] included; longer texts are truncated
 * @param maxTextChars  longest text accepted, in characters (413 beyond)
 * @param maxBatchTexts most texts in one request (413 beyond)
 * @param maxBodyBytes  largest request body read (413 beyond, before parsing); unset: {@link #bodyLimitBytes()} derives it
 * @param batcher       how the inference thread groups concurrent work
 * @param requestTimeout longest a request may wait for its answer; a text still queued then is
 *                      dropped and the request answered 503 (a request header may shorten it)
 */
@ConfigurationProperties("polarity")
public record PolarityProperties(
        @DefaultValue("models/polarity-sst2-minilm") Path modelPath,
        @DefaultValue("256") int maxTokens,
        @DefaultValue("20000") int maxTextChars,
        @DefaultValue("64") int maxBatchTexts,
        DataSize maxBodyBytes,
        @DefaultValue Batcher batcher,
        @DefaultValue("10s") Duration requestTimeout) {

    /** Most bytes one character can take in JSON: beyond the BMP, two escaped surrogates of six bytes each. */
    static final long JSON_BYTES_PER_CHAR = 12;
    /** Room for keys, brackets, quotes, commas and whitespace around the texts. */
    static final long JSON_OVERHEAD_BYTES = 64 * 1024;

    public PolarityProperties {
        require(maxTokens >= 2, "polarity.max-tokens must be at least 2, got " + maxTokens);
        require(maxTextChars >= 1, "polarity.max-text-chars must be positive, got " + maxTextChars);
        require(maxBatchTexts >= 1, "polarity.max-batch-texts must be positive, got " + maxBatchTexts);
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
     * @param maxBatchSize   most texts in one forward pass
     * @param maxBatchTokens most tokens in one forward pass (a longer text still runs, alone), so a
     *                       pass of long texts cannot hold up the short ones queued behind it for long
     * @param maxWait        how long an idle inference thread waits for a batch to fill; 0, the
     *                       default, starts a pass at once (batches form while the previous pass runs)
     * @param queueCapacity  most texts waiting at once; beyond it requests get 429
     */
    public record Batcher(
            @DefaultValue("16") int maxBatchSize,
            @DefaultValue("2048") int maxBatchTokens,
            @DefaultValue("0ms") Duration maxWait,
            @DefaultValue("1024") int queueCapacity) {

        public Batcher {
            require(maxBatchSize >= 1, "polarity.batcher.max-batch-size must be positive, got " + maxBatchSize);
            require(maxBatchTokens >= 1, "polarity.batcher.max-batch-tokens must be positive, got " + maxBatchTokens);
            require(!maxWait.isNegative(), "polarity.batcher.max-wait must not be negative, got " + maxWait);
            require(queueCapacity >= 1, "polarity.batcher.queue-capacity must be positive, got " + queueCapacity);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
