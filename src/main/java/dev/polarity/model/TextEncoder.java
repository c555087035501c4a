package dev.polarity.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Text to padded id batches with DJL's Hugging Face tokenizer, loaded from a local tokenizer.json
 * (never a hub name). Texts are truncated to {@code maxTokens} including [CLS] and [SEP]; each
 * batch is padded only to its own longest text.
 */
public final class TextEncoder implements AutoCloseable {
    public static final int DEFAULT_MAX_TOKENS = 256;

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;

    /** One text's ids and whether truncation cut it. */
    public record Encoded(int[] ids, int[] typeIds, boolean truncated) {
        public int length() {
            return ids.length;
        }
    }

    public TextEncoder(Path tokenizerJson, int maxTokens) throws IOException {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2 (room for [CLS] and [SEP]), got " + maxTokens);
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException(tokenizerJson + ": tokenizer file not found");
        }
        this.maxTokens = maxTokens;
        this.tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optMaxLength(maxTokens)
                .optPadding(false)
                .build();
    }

    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Encodes one text. An empty text, or one the vocabulary cannot cover, still yields
     * [CLS] ... [SEP] (unknown pieces become [UNK]), so the model always has something to read.
     */
    public Encoded encode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        // The library's own calls, not tokenizer.encode(text): that one also copies out every token's
        // string, word id, mask and character span, which a forward pass never reads (what that
        // costs, warm and after a pass has evicted the caches: docs/performance.md).
        long handle = tokenizer.getHandle();
        long encoding = TokenizersLibrary.LIB.encode(handle, text, true);
        try {
            return new Encoded(toInts(TokenizersLibrary.LIB.getTokenIds(encoding)),
                    toInts(TokenizersLibrary.LIB.getTypeIds(encoding)), TokenizersLibrary.LIB.getOverflowCount(encoding) > 0);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    /** The same text through the library's full Encoding: the reference {@link #encode} must match. */
    Encoded encodeThroughLibrary(String text) {
        Encoding e = tokenizer.encode(text);
        return new Encoded(toInts(e.getIds()), toInts(e.getTypeIds()), e.exceedMaxLength());
    }

    /** Pads encoded texts to the longest among them. */
    public static Batch pad(List<Encoded> texts) {
        int len = 0;
        for (Encoded t : texts) {
            len = Math.max(len, t.length());
        }
        int n = texts.size();
        int[] ids = new int[n * len];
        int[] types = new int[n * len];
        int[] mask = new int[n * len];
        for (int r = 0; r < n; r++) {
            Encoded t = texts.get(r);
            System.arraycopy(t.ids(), 0, ids, r * len, t.length());
            System.arraycopy(t.typeIds(), 0, types, r * len, t.length());
            java.util.Arrays.fill(mask, r * len, r * len + t.length(), 1);
        }
        return new Batch(n, len, ids, types, mask);
    }

    public Batch encodeBatch(List<String> texts) {
        return pad(texts.stream().map(this::encode).toList());
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
