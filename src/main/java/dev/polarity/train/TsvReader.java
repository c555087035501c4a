package dev.polarity.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SST-2 style files: a header line {@code label<TAB>content}, then one example a line.
 * Malformed lines are skipped and reported with their line numbers, so one bad row in a large
 * file costs one example, not the run; a missing, empty or wholly malformed file is an error.
 */
public final class TsvReader {
    private static final int REPORTED = 10;

    /** The examples read and one line per skipped row (at most ten are spelled out). */
    public record Result(List<Example> examples, int skipped, List<String> problems) {}

    private TsvReader() {}

    public static Result read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file + ": no such file");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        List<Example> examples = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        int lineNo = 0;
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("label\t")) {
                    continue;
                }
                String problem = parse(line, examples);
                if (problem != null) {
                    skipped++;
                    if (problems.size() < REPORTED) {
                        problems.add(file.getFileName() + ":" + lineNo + ": " + problem);
                    }
                }
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": line " + (lineNo + 1) + " is not valid UTF-8");
        }
        if (lineNo == 0) {
            throw new IOException(file + ": file is empty");
        }
        if (examples.isEmpty()) {
            throw new IOException(file + ": no valid 'label<TAB>text' rows (" + skipped + " malformed)");
        }
        return new Result(List.copyOf(examples), skipped, List.copyOf(problems));
    }

    private static String parse(String line, List<Example> out) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
            return "expected 'label<TAB>text'";
        }
        String label = line.substring(0, tab).trim();
        String text = line.substring(tab + 1).trim();
        if (!label.equals("0") && !label.equals("1")) {
            return "label must be 0 or 1, got '" + (label.length() > 20 ? label.substring(0, 20) + "..." : label) + "'";
        }
        if (text.isEmpty()) {
            return "empty text";
        }
        out.add(new Example(label.charAt(0) - '0', text));
        return null;
    }
}
