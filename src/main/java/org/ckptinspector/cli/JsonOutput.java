package org.ckptinspector.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Writes one pretty-printed JSON document or one JSON line; non-finite numbers never reach it (callers map them to
 * null). Documents are written as streams with Jackson's streaming generator alone: the command line never loads
 * data binding.
 */
final class JsonOutput {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /** Writes a document's tokens. */
    @FunctionalInterface
    interface Document {
        void write(JsonGenerator json) throws IOException;
    }

    private JsonOutput() {}

    /** Writes a document as one JSON line (JSON lines: one document per line). */
    static void line(PrintWriter out, Document document) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.setPrettyPrinter(new MinimalPrettyPrinter(""));
            document.write(json);
        }
        out.println();
        out.flush();
    }

    /** A generator that formats as {@link #print(PrintWriter, Document)} does, for documents written in parts. */
    static JsonGenerator pretty(PrintWriter out) throws IOException {
        return FACTORY.createGenerator(out).useDefaultPrettyPrinter();
    }

    /** Writes the document as it is produced, pretty-printed (Jackson's default pretty printer). */
    static void print(PrintWriter out, Document document) throws IOException {
        try (JsonGenerator json = pretty(out)) {
            document.write(json);
        }
        out.println();
        out.flush();
    }
}
