package org.ckptinspector.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
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

    /** Writes the document as it is produced, formatted as {@link #print(PrintWriter, JsonNode)} formats a tree. */
    static void print(PrintWriter out, Document document) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
            document.write(json);
        }
        out.println();
        out.flush();
    }
}
