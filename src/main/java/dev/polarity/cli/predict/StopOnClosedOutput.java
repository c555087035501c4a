package dev.polarity.cli.predict;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Standard output as a Writer that fails once the reader has gone. A PrintWriter swallows a
 * broken pipe, so {@code predict ... | head} would otherwise go on scoring the whole file for
 * nobody; checked on every flush, which the pipeline does after each window.
 */
public final class StopOnClosedOutput extends Writer {
    private final PrintWriter out;

    public StopOnClosedOutput(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void write(char[] buf, int off, int len) {
        out.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
        if (out.checkError()) { // checkError flushes first
            throw new IOException("standard output was closed; stopped");
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
