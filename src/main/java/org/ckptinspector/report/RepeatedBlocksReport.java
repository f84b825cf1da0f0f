package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.ckptinspector.model.RepeatedBlocks;

/**
 * {@code "repeated_blocks"} of {@code inspect --json --collapse}: each run of repeated blocks with its common block
 * and every tensor of a block that differs from it, as {@code inspect --collapse} prints them.
 */
final class RepeatedBlocksReport {
    private RepeatedBlocksReport() {}

    /**
     * {@code "repeated_blocks": [{"pattern", "prefix", "first", "count", "template": [{"rest", "dtype", "shape",
     * "numel"}], "odd_blocks", "differences": [{"block", "key", "rest", "actual", "expected"}]}]}.
     */
    static void write(List<RepeatedBlocks> runs, JsonGenerator json) throws IOException {
        json.writeArrayFieldStart("repeated_blocks");
        for (RepeatedBlocks r : runs) {
            json.writeStartObject();
            json.writeStringField("pattern", r.pattern());
            json.writeStringField("prefix", r.prefix());
            json.writeNumberField("first", r.first());
            json.writeNumberField("count", r.count());
            json.writeArrayFieldStart("template");
            for (RepeatedBlocks.Member m : r.template()) {
                json.writeStartObject();
                json.writeStringField("rest", m.rest());
                member(m, json);
                json.writeNumberField("numel", m.numel());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("odd_blocks");
            for (long b : r.oddBlocks()) {
                json.writeNumber(b);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("differences");
            for (RepeatedBlocks.Difference d : r.differences()) {
                json.writeStartObject();
                json.writeNumberField("block", d.block());
                json.writeStringField("key", d.key(r.prefix()));
                json.writeStringField("rest", d.rest());
                memberField("actual", d.actual(), json);
                memberField("expected", d.expected(), json);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** {@code "field": {"dtype", "shape"}}, or {@code null} when the tensor is absent. */
    private static void memberField(String field, RepeatedBlocks.Member m, JsonGenerator json) throws IOException {
        if (m == null) {
            json.writeNullField(field);
            return;
        }
        json.writeObjectFieldStart(field);
        member(m, json);
        json.writeEndObject();
    }

    private static void member(RepeatedBlocks.Member m, JsonGenerator json) throws IOException {
        json.writeStringField("dtype", m.dtype().torchName());
        json.writeArrayFieldStart("shape");
        for (long d : m.shape()) {
            json.writeNumber(d);
        }
        json.writeEndArray();
    }
}
