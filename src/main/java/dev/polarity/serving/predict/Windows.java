package dev.polarity.serving.predict;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.polarity.model.TextEncoder.Encoded;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Long texts read whole: tokenized without the serving limit, then cut into windows of the token
 * limit ([CLS] and [SEP] around each) that overlap by a quarter, so a sentence cut at one window's
 * edge is read whole by its neighbour. The answer averages the windows' probabilities weighted by
 * their tokens, so a short last window counts for what it holds.
 */
final class Windows implements AutoCloseable {
    private final HuggingFaceTokenizer whole;
    private final int maxTokens;

    /**
     * Its own tokenizer, without truncation: the model's {@code TextEncoder} cuts at the serving
     * limit, and a larger limit is capped by the tokenizer library (at 512 here). The request's
     * character limit bounds the tokens, a WordPiece token holding at least one character.
     */
    Windows(Path tokenizerJson, int maxTokens) throws IOException {
        this.whole = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optAddSpecialTokens(true)
                .optTruncation(false).optPadding(false).build();
        this.maxTokens = maxTokens;
    }

    List<Encoded> of(String text) {
        Encoding e = whole.encode(text);
        return split(new Encoded(ints(e.getIds()), ints(e.getTypeIds()), false), maxTokens);
    }

    private static int[] ints(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** {@code full}: [CLS] body [SEP]. Each window keeps the first and last ids around its part of the body. */
    static List<Encoded> split(Encoded full, int maxTokens) {
        int body = full.length() - 2;
        int width = maxTokens - 2;
        if (body <= width || width < 1) {
            return List.of(full);
        }
        int stride = Math.max(1, width - width / 4);
        List<Encoded> windows = new ArrayList<>();
        for (int start = 0; ; start += stride) {
            int end = Math.min(body, start + width);
            windows.add(new Encoded(window(full.ids(), start, end), window(full.typeIds(), start, end), false));
            if (end == body) {
                return windows;
            }
        }
    }

    private static int[] window(int[] full, int start, int end) {
        int[] out = new int[end - start + 2];
        out[0] = full[0];
        System.arraycopy(full, 1 + start, out, 1, end - start);
        out[out.length - 1] = full[full.length - 1];
        return out;
    }

    /** Probabilities of one text from its windows', weighted by each window's tokens. */
    static float[] average(List<Encoded> windows, float[][] probabilities, int from) {
        float[] out = new float[probabilities[from].length];
        double total = 0;
        for (int w = 0; w < windows.size(); w++) {
            int tokens = windows.get(w).length();
            total += tokens;
            for (int k = 0; k < out.length; k++) {
                out[k] += tokens * probabilities[from + w][k];
            }
        }
        for (int k = 0; k < out.length; k++) {
            out[k] /= (float) total;
        }
        return out;
    }

    @Override
    public void close() {
        whole.close();
    }
}
