package dev.polarity.serving.predict;

/** What a text must be to be read at all, the same for every endpoint that takes texts. */
public final class TextRules {
    private TextRules() {}

    /**
     * Blank once whitespace, control and format characters (Unicode Cc, Cf, Zs, Zl, Zp) are set
     * aside: zero-width spaces, non-breaking spaces or NULs alone gave the model nothing to read,
     * and it answered them with a confident label.
     */
    public static boolean blank(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            switch (Character.getType(cp)) {
                case Character.CONTROL, Character.FORMAT, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                     Character.PARAGRAPH_SEPARATOR -> i += Character.charCount(cp);
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** JSON escapes such as backslash-u-D800 can spell half a surrogate pair, which no encoding of Unicode can hold. */
    public static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
