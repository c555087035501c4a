package dev.polarity.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that is malformed, truncated or inconsistent. A subclass of IOException so
 * callers can treat a bad model file like any other unreadable file, yet still tell it apart from
 * a disk error when they want to. The message always starts with the file's path.
 */
public final class SafeTensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafeTensorsFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafeTensorsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
