package dev.polarity.cli.predict;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Physical lines of a UTF-8 stream, numbered from 1, decoded one at a time: a line that is not
 * valid UTF-8 costs that line (it comes back with {@link #invalid()} set), not the whole file,
 * as a reader decoding the stream as one would. Counts the bytes consumed for the progress line.
 */
final class LineSource {
    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    private long number;
    private long bytes;
    private boolean invalid;

    LineSource(InputStream in) {
        this.in = in;
    }

    /** The next line without its line ending, or null at the end of the stream. */
    String next() throws IOException {
        buffer.reset();
        int b;
        boolean any = false;
        while ((b = read()) >= 0) {
            bytes++;
            any = true;
            if (b == '\n') {
                break;
            }
            buffer.write(b);
        }
        if (!any) {
            return null;
        }
        number++;
        byte[] raw = buffer.toByteArray();
        int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        try {
            invalid = false;
            return utf8.reset().decode(ByteBuffer.wrap(raw, 0, length)).toString();
        } catch (CharacterCodingException e) {
            invalid = true;
            return "";
        }
    }

    /** One byte from our own buffer: a call per byte into the stream would cost more than the decoding. */
    private int read() throws IOException {
        if (pos == limit) {
            limit = in.read(chunk, 0, chunk.length);
            pos = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        return chunk[pos++] & 0xff;
    }

    /** Whether the line last returned was not valid UTF-8. */
    boolean invalid() {
        return invalid;
    }

    long number() {
        return number;
    }

    long bytesRead() {
        return bytes;
    }
}
