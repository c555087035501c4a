package dev.polarity.explain;

import java.util.ArrayList;
import java.util.List;

/**
 * One text as the model reads it: word-piece ids with [CLS]/[SEP], and for each piece its
 * character span in the text ({@code start} inclusive, {@code end} exclusive; -1 for special
 * tokens, which stand for no text).
 */
public record Pieces(String text, String[] tokens, int[] ids, int[] typeIds, int[] start, int[] end, boolean[] special) {

    public Pieces {
        int n = ids.length;
        if (tokens.length != n || typeIds.length != n || start.length != n || end.length != n || special.length != n) {
            throw new IllegalArgumentException("Pieces: every array must hold one entry per piece (" + n + ")");
        }
    }

    public int length() {
        return ids.length;
    }

    /**
     * The words of the text: maximal runs of pieces with no character between them, so a word is
     * what whitespace delimits ("don't" and "mess." stay one word each, as a reader sees them).
     */
    public List<Word> words() {
        List<Word> words = new ArrayList<>();
        int first = -1;
        for (int i = 0; i < length(); i++) {
            if (special[i]) {
                continue;
            }
            if (first >= 0 && start[i] != end[i - 1]) {
                words.add(word(first, i));
                first = -1;
            }
            if (first < 0) {
                first = i;
            }
            if (i + 1 >= length() || special[i + 1]) {
                words.add(word(first, i + 1));
                first = -1;
            }
        }
        return words;
    }

    private Word word(int first, int endPiece) {
        int s = start[first];
        int e = end[endPiece - 1];
        return new Word(text.substring(s, e), s, e, first, endPiece);
    }

    /** The piece ids with the given pieces left out ([CLS] and [SEP] are never dropped). */
    public int[][] without(boolean[] drop) {
        int kept = 0;
        for (int i = 0; i < length(); i++) {
            kept += drop[i] && !special[i] ? 0 : 1;
        }
        int[] outIds = new int[kept];
        int[] outTypes = new int[kept];
        int j = 0;
        for (int i = 0; i < length(); i++) {
            if (!drop[i] || special[i]) {
                outIds[j] = ids[i];
                outTypes[j++] = typeIds[i];
            }
        }
        return new int[][] {outIds, outTypes};
    }

    /**
     * A word of the text and the pieces it was cut into.
     *
     * @param firstPiece index of its first piece; {@code endPiece} one past its last
     */
    public record Word(String word, int start, int end, int firstPiece, int endPiece) {}
}
