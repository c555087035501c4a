package dev.polarity.train;

import java.util.regex.Pattern;

/**
 * SST-2 text is lower-cased and split like the Penn Treebank ("does n't", "it 's", "( a )").
 * People send "doesn't" and "it's", which WordPiece cuts differently, so training sees both
 * forms: this turns the treebank spelling back into ordinary text.
 */
public final class SstText {
    private static final Pattern CONTRACTION = Pattern.compile(" (n't|'s|'re|'ve|'m|'ll|'d)\\b");
    private static final Pattern BEFORE_PUNCT = Pattern.compile(" ([.,!?;:%)])");
    private static final Pattern AFTER_OPEN = Pattern.compile("([($]) ");
    private static final Pattern BRACKETS = Pattern.compile("-lrb-|-rrb-");

    private SstText() {}

    public static String detokenize(String text) {
        String t = BRACKETS.matcher(text).replaceAll(m -> m.group().equals("-lrb-") ? "(" : ")");
        t = CONTRACTION.matcher(t).replaceAll("$1");
        t = BEFORE_PUNCT.matcher(t).replaceAll("$1");
        t = AFTER_OPEN.matcher(t).replaceAll("$1");
        t = t.replace(" ` ", " '").replace("`` ", "\"").replace(" ''", "\"");
        return t.trim();
    }
}
