package dev.polarity.cli.predict;

/** One input row: its first line number in the file, and either its text or why it was skipped. */
public record Row(long line, String text, String error) {
    static Row ok(long line, String text) {
        return new Row(line, text, null);
    }

    static Row malformed(long line, String error) {
        return new Row(line, null, error);
    }

    public boolean valid() {
        return error == null;
    }
}
