package dev.polarity.engine.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header of a safetensors file: tensor entries in file order plus
 * the optional string-to-string "__metadata__". Validation happens here, before any tensor data
 * is touched, so a bad file fails with a message about the header rather than a stray exception
 * from deep inside a copy loop.
 */
final class Header {
    static final String METADATA_KEY = "__metadata__";
    /** The reference implementation's cap; anything bigger is a corrupt length field. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** One tensor; begin and end are byte offsets into the data buffer that follows the header. */
    record Entry(String name, DType dtype, int[] shape, int numel, long begin, long end) {
    }

    final List<Entry> entries;
    final Map<String, String> metadata;
    /** Absolute file position of the data buffer: entry offsets are relative to it. */
    final long dataStart;

    private Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
        this.entries = entries;
        this.metadata = metadata;
        this.dataStart = dataStart;
    }

    /** Parses {@code json} and checks every entry against a data buffer of {@code bufferBytes}. */
    static Header parse(Path file, String json, long dataStart, long bufferBytes) throws SafeTensorsFormatException {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.SyntaxException e) {
            throw new SafeTensorsFormatException(file, "invalid JSON header: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new SafeTensorsFormatException(file, "header must be a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> kv : map.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals(METADATA_KEY)) {
                readMetadata(file, kv.getValue(), metadata);
            } else {
                entries.add(entry(file, name, kv.getValue(), bufferBytes));
            }
        }
        checkCoverage(file, entries, bufferBytes);
        return new Header(entries, metadata, dataStart);
    }

    private static void readMetadata(Path file, Object value, Map<String, String> out) throws SafeTensorsFormatException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafeTensorsFormatException(file, "\"__metadata__\" must be an object of strings");
        }
        for (Map.Entry<?, ?> kv : map.entrySet()) {
            if (!(kv.getValue() instanceof String s)) {
                throw new SafeTensorsFormatException(file,
                        "\"__metadata__\" value for key '" + kv.getKey() + "' must be a string");
            }
            out.put((String) kv.getKey(), s);
        }
    }

    private static Entry entry(Path file, String name, Object value, long bufferBytes) throws SafeTensorsFormatException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> info)) {
            throw new SafeTensorsFormatException(file, where + " must be a JSON object");
        }
        // Unknown fields are ignored, like the reference reader does, so future additions stay readable.
        Object dtypeValue = required(file, where, info, "dtype");
        if (!(dtypeValue instanceof String dtypeName)) {
            throw new SafeTensorsFormatException(file, where + ": \"dtype\" must be a string");
        }
        DType dtype = DType.fromHeaderName(dtypeName);
        if (dtype == null) {
            throw new SafeTensorsFormatException(file, where + " has unsupported dtype '" + dtypeName
                    + "' (supported: " + Arrays.toString(DType.values()) + ")");
        }
        long[] dims = integers(file, where, info, "shape");
        long[] offsets = integers(file, where, info, "data_offsets");
        int[] shape = new int[dims.length];
        long numel = 1;
        boolean empty = false;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new SafeTensorsFormatException(file, where + " has a negative dimension in shape " + Arrays.toString(dims));
            }
            if (dims[i] > Integer.MAX_VALUE) {
                throw new SafeTensorsFormatException(file, where + " has shape " + Arrays.toString(dims)
                        + ", a dimension larger than a Java array holds");
            }
            shape[i] = (int) dims[i];
            // Saturate rather than overflow; a zero anywhere still makes the tensor empty.
            empty |= dims[i] == 0;
            numel = numel > Integer.MAX_VALUE ? numel : numel * dims[i];
        }
        numel = empty ? 0 : numel;
        if (numel > Integer.MAX_VALUE) {
            throw new SafeTensorsFormatException(file, where + " has shape " + Arrays.toString(dims)
                    + ", more elements than a Java array holds");
        }
        if (offsets.length != 2) {
            throw new SafeTensorsFormatException(file, where + ": \"data_offsets\" must be [begin, end], found "
                    + Arrays.toString(offsets));
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin) {
            throw new SafeTensorsFormatException(file, where + " has invalid data_offsets " + Arrays.toString(offsets)
                    + " (need 0 <= begin <= end)");
        }
        long bytes = numel * dtype.bytes();
        if (end - begin != bytes) {
            throw new SafeTensorsFormatException(file, where + " declares shape " + Arrays.toString(shape) + " ("
                    + numel + " elements of " + dtype + " = " + bytes + " bytes) but data_offsets span "
                    + (end - begin) + " bytes");
        }
        if (end > bufferBytes) {
            throw new SafeTensorsFormatException(file, where + " has data_offsets " + Arrays.toString(offsets)
                    + " beyond the data buffer, which holds " + bufferBytes + " bytes (file truncated?)");
        }
        return new Entry(name, dtype, shape, (int) numel, begin, end);
    }

    private static Object required(Path file, String where, Map<?, ?> info, String field) throws SafeTensorsFormatException {
        Object v = info.get(field);
        if (v == null) {
            throw new SafeTensorsFormatException(file, where + " is missing \"" + field + "\"");
        }
        return v;
    }

    /** A JSON array of integers; anything else (fractions, strings, huge numbers) is refused. */
    private static long[] integers(Path file, String where, Map<?, ?> info, String field) throws SafeTensorsFormatException {
        if (!(required(file, where, info, field) instanceof List<?> list)) {
            throw new SafeTensorsFormatException(file, where + ": \"" + field + "\" must be an array of integers");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long n)) {
                throw new SafeTensorsFormatException(file, where + ": \"" + field + "\" must be an array of integers, found "
                        + list.get(i));
            }
            out[i] = n;
        }
        return out;
    }

    /** The spec wants the data buffer fully indexed: no overlaps, no holes, no trailing bytes. */
    private static void checkCoverage(Path file, List<Entry> entries, long bufferBytes) throws SafeTensorsFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw new SafeTensorsFormatException(file, "tensors '" + previous.name() + "' " + range(previous)
                        + " and '" + e.name() + "' " + range(e) + " overlap");
            }
            if (e.begin() > covered) {
                throw new SafeTensorsFormatException(file, "data buffer bytes [" + covered + ", " + e.begin()
                        + ") belong to no tensor");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != bufferBytes) {
            throw new SafeTensorsFormatException(file, "data buffer holds " + bufferBytes
                    + " bytes but the tensors cover only " + covered);
        }
    }

    private static String range(Entry e) {
        return "[" + e.begin() + ", " + e.end() + ")";
    }

    /**
     * The header bytes for {@code entries}, space-padded to a multiple of 8 so the data buffer
     * starts 8-byte aligned, as the reference writer does.
     */
    static byte[] encode(List<Entry> entries, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.writeString(sb, METADATA_KEY);
            sb.append(":{");
            String sep = "";
            for (Map.Entry<String, String> kv : metadata.entrySet()) {
                sb.append(sep);
                Json.writeString(sb, requireText(kv.getKey(), "metadata key"));
                sb.append(':');
                Json.writeString(sb, requireText(kv.getValue(), "metadata value for '" + kv.getKey() + "'"));
                sep = ",";
            }
            sb.append('}');
        }
        for (Entry e : entries) {
            sb.append(sb.length() > 1 ? "," : "");
            Json.writeString(sb, e.name());
            sb.append(":{\"dtype\":\"").append(e.dtype()).append("\",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                sb.append(i > 0 ? "," : "").append(e.shape()[i]);
            }
            sb.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
        }
        sb.append('}');
        ByteBuffer utf8;
        try {
            // A strict encoder: a lone surrogate would otherwise become '?' and silently rename a tensor.
            utf8 = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(sb));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("tensor name or metadata is not valid Unicode (lone surrogate)", e);
        }
        byte[] bytes = new byte[utf8.remaining()];
        utf8.get(bytes);
        return padTo8(bytes);
    }

    /** Pads in bytes, not chars: non-ASCII names take several UTF-8 bytes each. */
    private static byte[] padTo8(byte[] bytes) {
        byte[] out = Arrays.copyOf(bytes, (bytes.length + 7) / 8 * 8);
        Arrays.fill(out, bytes.length, out.length, (byte) ' ');
        return out;
    }

    private static String requireText(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return s;
    }
}
