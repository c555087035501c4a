package dev.polarity.serving.predict;

/** What to do with a text over the token limit, as the request asks. */
enum LongTexts {
    /** Cut it to the limit and say {@code "truncated": true} (the default). */
    TRUNCATE,
    /** Refuse the request with 413 ({@code "truncate": false}). */
    REFUSE,
    /** Read it in overlapping windows and average them ({@code "long_text": "chunk"}). */
    CHUNK
}
