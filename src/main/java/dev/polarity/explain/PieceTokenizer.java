package dev.polarity.explain;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The served model's tokenizer.json again, this time keeping each piece's character span, which
 * the serving path has no use for. It never truncates: an explanation of a cut text would
 * attribute words the model did not read, so callers refuse long texts instead.
 */
public final class PieceTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    public PieceTokenizer(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException(tokenizerJson + ": tokenizer file not found");
        }
        tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(true)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    public Pieces encode(String text) {
        Encoding e = tokenizer.encode(text);
        long[] ids = e.getIds();
        long[] types = e.getTypeIds();
        long[] specialMask = e.getSpecialTokenMask();
        CharSpan[] spans = e.getCharTokenSpans();
        int n = ids.length;
        int[] outIds = new int[n];
        int[] outTypes = new int[n];
        int[] start = new int[n];
        int[] end = new int[n];
        boolean[] special = new boolean[n];
        int[] utf16 = codePointStarts(text);
        for (int i = 0; i < n; i++) {
            outIds[i] = (int) ids[i];
            outTypes[i] = (int) types[i];
            special[i] = specialMask[i] != 0 || spans[i] == null;
            start[i] = special[i] ? -1 : utf16[spans[i].getStart()];
            end[i] = special[i] ? -1 : utf16[spans[i].getEnd()];
        }
        return new Pieces(text, e.getTokens(), outIds, outTypes, start, end, special);
    }

    /**
     * The tokenizer counts characters as Unicode code points; Java strings index UTF-16 units, which
     * differ after any character outside the BMP (an emoji): entry k is where code point k starts.
     */
    private static int[] codePointStarts(String text) {
        int[] starts = new int[text.codePointCount(0, text.length()) + 1];
        int k = 0;
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            starts[k++] = i;
        }
        starts[k] = text.length();
        return starts;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
