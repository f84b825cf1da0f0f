package org.ckptinspector.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** Writes one pretty-printed JSON document; non-finite numbers never reach it (callers map them to null). */
final class JsonOutput {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private JsonOutput() {}

    static void print(PrintWriter out, JsonNode node) throws java.io.IOException {
        // Streamed to the writer: a document of 100 000 tensors never also exists as one string in memory.
        MAPPER.writeValue(out, node);
        out.println();
        out.flush();
    }
}
