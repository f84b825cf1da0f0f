package org.ckptinspector.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;

/** Writes one pretty-printed JSON document; non-finite numbers never reach it (callers map them to null). */
final class JsonOutput {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** Writes a document's tokens. */
    @FunctionalInterface
    interface Document {
        void write(JsonGenerator json) throws IOException;
    }

    private JsonOutput() {}

    static void print(PrintWriter out, JsonNode node) throws IOException {
        // Streamed to the writer: a document of 100 000 tensors never also exists as one string in memory.
        print(out, json -> json.writeTree(node));
    }

    /** Writes one JSON line: the tree without line breaks, then a newline. */
    static void line(PrintWriter out, JsonNode node) {
        try {
            line(out, json -> json.writeTree(node));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes a document as one JSON line (JSON lines: one document per line). */
    static void line(PrintWriter out, Document document) throws IOException {
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            // Set, a pretty printer is kept by the mapper's tree writing, which would otherwise indent.
            json.setPrettyPrinter(new MinimalPrettyPrinter(""));
            document.write(json);
        }
        out.println();
        out.flush();
    }

    /** A generator that formats as {@link #print(PrintWriter, JsonNode)} does, for documents written in parts. */
    static JsonGenerator pretty(PrintWriter out) throws IOException {
        return MAPPER.createGenerator(out);
    }

    /** Writes the document as it is produced, formatted as {@link #print(PrintWriter, JsonNode)} formats a tree. */
    static void print(PrintWriter out, Document document) throws IOException {
        try (JsonGenerator json = MAPPER.createGenerator(out)) {
            document.write(json);
        }
        out.println();
        out.flush();
    }
}
