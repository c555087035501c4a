package dev.polarity.cli.predict;

/** The file formats predict reads and writes; the output takes the input's format. */
public enum Format {
    /** Tab-separated with a header line; no quoting, so a text cannot hold a tab or a newline. */
    TSV,
    /** Comma-separated with a header line, RFC 4180 quoting (a quoted field may span lines). */
    CSV,
    /** One JSON value a line: an object holding the text field, or a bare string. */
    JSONL
}
