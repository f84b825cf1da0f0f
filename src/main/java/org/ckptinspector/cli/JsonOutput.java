package org.ckptinspector.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Writes one pretty-printed JSON document; non-finite numbers never reach it (callers map them to null). Documents
 * written as streams use Jackson's streaming generator alone: data binding is loaded only to print a tree.
 */
final class JsonOutput {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /** Made on first use: loading data binding costs a command that needs no tree ~300 classes at start-up. */
    private static final class Trees {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** Writes a document's tokens. */
    @FunctionalInterface
    interface Document {
        void write(JsonGenerator json) throws IOException;
    }

    private JsonOutput() {}

    static void print(PrintWriter out, JsonNode node) throws IOException {
        // Streamed to the writer: a document of 100 000 tensors never also exists as one string in memory.
        print(out, json -> Trees.MAPPER.writeTree(json, node));
    }

    /** Writes one JSON line: the tree without line breaks, then a newline. */
    static void line(PrintWriter out, JsonNode node) {
        try {
            line(out, json -> Trees.MAPPER.writeTree(json, node));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes a document as one JSON line (JSON lines: one document per line). */
    static void line(PrintWriter out, Document document) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.setPrettyPrinter(new MinimalPrettyPrinter(""));
            document.write(json);
        }
        out.println();
        out.flush();
    }

    /** A generator that formats as {@link #print(PrintWriter, JsonNode)} does, for documents written in parts. */
    static JsonGenerator pretty(PrintWriter out) throws IOException {
        return FACTORY.createGenerator(out).useDefaultPrettyPrinter();
    }

    /** Writes the document as it is produced, formatted as {@link #print(PrintWriter, JsonNode)} formats a tree. */
    static void print(PrintWriter out, Document document) throws IOException {
        try (JsonGenerator json = pretty(out)) {
            document.write(json);
        }
        out.println();
        out.flush();
    }
}
