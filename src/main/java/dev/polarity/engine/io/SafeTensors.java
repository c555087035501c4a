package dev.polarity.engine.io;

import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of
 * UTF-8 JSON describing each tensor, then the raw little-endian, row-major data buffer.
 *
 * <p>Data moves through one direct buffer in chunks with bulk float/short views: no per-byte
 * loops, and no second copy of a whole file in memory. Every malformed file yields a
 * {@link SafeTensorsFormatException} whose message starts with the path.
 */
public final class SafeTensors {
    /** Large enough that a 90 MB file takes a few dozen reads, small enough to never matter. */
    private static final int CHUNK_BYTES = 1 << 22;

    private SafeTensors() {
    }

    /** Reads every tensor, converting F16/BF16 to float32. Insertion order = file order (LinkedHashMap). */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, ch);
            Map<String, Tensor> out = new LinkedHashMap<>();
            Chunk chunk = new Chunk(header.entries);
            for (Header.Entry e : header.entries) {
                float[] values = readValues(file, ch, header.dataStart + e.begin(), e, chunk);
                out.put(e.name(), Tensor.fromArray(values, e.shape()));
            }
            return out;
        }
    }

    /** The "__metadata__" strings (empty when absent). The whole header is still validated. */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new LinkedHashMap<>(readHeader(file, ch).metadata);
        }
    }

    /** Writes tensors in map iteration order, each stored as dtype (F16/BF16 round to nearest even). */
    public static void write(Path file, Map<String, Tensor> tensors, DType dtype, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(dtype, "dtype");
        List<Header.Entry> entries = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> kv : tensors.entrySet()) {
            String name = kv.getKey();
            Tensor t = kv.getValue();
            if (name == null || name.equals(Header.METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name: " + name);
            }
            if (t == null) {
                throw new IllegalArgumentException("tensor '" + name + "' is null");
            }
            long bytes = (long) t.numel() * dtype.bytes();
            entries.add(new Header.Entry(name, dtype, t.shape().toArray(), t.numel(), offset, offset + bytes));
            values.add(t);
            offset += bytes;
        }
        byte[] header = Header.encode(entries, metadata == null ? Map.of() : metadata);
        if (header.length > Header.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header of " + header.length + " bytes exceeds the format's limit");
        }
        writeAtomically(file.toAbsolutePath(), ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            Chunk chunk = new Chunk(entries);
            for (Tensor t : values) {
                writeValues(ch, t.toArray(), dtype, chunk);
            }
        });
    }

    public static void write(Path file, Map<String, Tensor> tensors, DType dtype) throws IOException {
        write(file, tensors, dtype, Map.of());
    }

    // ---------------------------------------------------------------- reading

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafeTensorsFormatException(file, "file is " + size + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, len, 0, "the header length");
        long n = len.getLong(0); // unsigned on disk: a "negative" value is just enormous
        if (Long.compareUnsigned(n, size - 8) > 0) {
            throw new SafeTensorsFormatException(file, "header length " + Long.toUnsignedString(n) + " exceeds the "
                    + (size - 8) + " bytes that follow it (file truncated or not safetensors?)");
        }
        if (n > Header.MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(file, "header length " + n + " exceeds the "
                    + Header.MAX_HEADER_BYTES + "-byte limit");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) n);
        readFully(file, ch, raw, 8, "the header");
        raw.flip();
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().decode(raw).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsFormatException(file, "header is not valid UTF-8", e);
        }
        if (!json.startsWith("{")) {
            throw new SafeTensorsFormatException(file, "header does not start with '{' (not a safetensors file?)");
        }
        return Header.parse(file, json, 8 + n, size - 8 - n);
    }

    private static float[] readValues(Path file, FileChannel ch, long position, Header.Entry e, Chunk chunk)
            throws IOException {
        float[] out = new float[e.numel()];
        int width = e.dtype().bytes();
        int perChunk = CHUNK_BYTES / width;
        for (int done = 0; done < out.length; ) {
            int count = Math.min(out.length - done, perChunk);
            ByteBuffer buf = chunk.bytes(count * width);
            readFully(file, ch, buf, position, "tensor '" + e.name() + "'");
            buf.flip();
            if (e.dtype() == DType.F32) {
                buf.asFloatBuffer().get(out, done, count);
            } else {
                short[] halves = chunk.shorts();
                buf.asShortBuffer().get(halves, 0, count);
                if (e.dtype() == DType.F16) {
                    for (int i = 0; i < count; i++) {
                        out[done + i] = HalfFloat.halfToFloat(halves[i]);
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        out[done + i] = HalfFloat.bf16ToFloat(halves[i]);
                    }
                }
            }
            done += count;
            position += (long) count * width;
        }
        return out;
    }

    /** Positional reads until {@code buf} is full; the file may shrink while we read it. */
    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position, String what)
            throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position);
            if (r < 0) {
                throw new SafeTensorsFormatException(file, "file ended at byte " + position + " while reading " + what);
            }
            position += r;
        }
    }

    // ---------------------------------------------------------------- writing

    private static void writeValues(FileChannel ch, float[] values, DType dtype, Chunk chunk) throws IOException {
        int width = dtype.bytes();
        int perChunk = CHUNK_BYTES / width;
        for (int done = 0; done < values.length; ) {
            int count = Math.min(values.length - done, perChunk);
            ByteBuffer buf = chunk.bytes(count * width);
            if (dtype == DType.F32) {
                buf.asFloatBuffer().put(values, done, count);
            } else {
                short[] halves = chunk.shorts();
                for (int i = 0; i < count; i++) {
                    float v = values[done + i];
                    halves[i] = dtype == DType.F16 ? HalfFloat.floatToHalf(v) : HalfFloat.floatToBf16(v);
                }
                buf.asShortBuffer().put(halves, 0, count);
            }
            // The views above wrote through without moving buf's position: the whole limit is data.
            writeFully(ch, buf);
            done += count;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private interface Body {
        void writeTo(FileChannel ch) throws IOException;
    }

    /**
     * Writes to a sibling temp file, syncs, then renames over the target: a crash mid-save leaves
     * the previous checkpoint intact instead of a truncated model. The temp file is created with
     * CREATE_NEW (not Files.createTempFile) so it gets the usual umask permissions, not 0600.
     */
    private static void writeAtomically(Path target, Body body) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** One direct buffer (and short scratch), sized once for the largest tensor or chunk. */
    private static final class Chunk {
        private final ByteBuffer bytes;
        private final short[] shorts;

        Chunk(List<Header.Entry> entries) {
            long largest = entries.stream().mapToLong(e -> e.end() - e.begin()).max().orElse(0);
            int capacity = (int) Math.min(CHUNK_BYTES, largest);
            bytes = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            shorts = new short[capacity / 2];
        }

        /** The buffer, cleared and limited to exactly {@code n} bytes. */
        ByteBuffer bytes(int n) {
            bytes.clear().limit(n);
            return bytes;
        }

        short[] shorts() {
            return shorts;
        }
    }
}
