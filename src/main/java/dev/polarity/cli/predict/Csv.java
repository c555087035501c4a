package dev.polarity.cli.predict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 fields: read one record (which a quoted field may carry over several lines), and quote for writing. */
final class Csv {
    private Csv() {}

    /** The fields of the record starting at {@code first}, or null when a quoted field never closes. */
    static List<String> record(String first, LineSource lines) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        String line = first;
        while (true) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c != '"') {
                        field.append(c);
                    } else if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (c == '"' && field.isEmpty()) {
                    quoted = true;
                } else {
                    field.append(c); // a stray quote inside an unquoted field is kept, as most writers mean it
                }
            }
            if (!quoted) {
                fields.add(field.toString());
                return fields;
            }
            line = lines.next();
            if (line == null) {
                return null;
            }
            field.append('\n');
        }
    }

    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
