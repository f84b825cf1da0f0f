package org.ckptinspector.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.task.TaskMonitor;

/**
 * Writes a plan as a safetensors file (docs/checkpoint-formats.md §9): 8-byte header length, JSON header padded with
 * spaces to a multiple of 8, then every tensor's elements contiguous and back to back. Data are ordered as the
 * reference writer orders them (dtype by descending alignment, then name by UTF-8 bytes), so every tensor is aligned to
 * its element size relative to the 8-aligned buffer; the header lists them in the same order. Values are written as
 * torch shows them: conjugate and negative bits applied, every tensor contiguous and with its own data.
 */
final class SafetensorsExport {
    /** The reference implementation's {@code Dtype} enum, in increasing alignment order. */
    private static final List<String> DTYPE_ORDER = List.of("BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8",
            "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32",
            "F32", "C64", "F64", "I64", "U64");
    private static final JsonFactory JSON = new JsonFactory();

    private SafetensorsExport() {}

    /** Writes the file; a {@code verifier} (or null) is told where each tensor's values go and compares them. */
    static void write(ExportPlan plan, FileChannel channel, RangeVerifier verifier, TaskMonitor monitor)
            throws IOException {
        List<ExportItem> ordered = dataOrder(plan.items());
        byte[] header = header(ordered, metadata(plan));
        ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(header.length).put(header).flip();
        writeFully(channel, head);
        DataWriter data = new DataWriter(channel, verifier);
        long at = head.limit();
        for (ExportItem i : ordered) {
            data.addTensor(i.tensor(), i.conversion().orElse(null), at);
            if (verifier != null) {
                verifier.place(i, at, false);
            }
            at = Math.addExact(at, i.outputBytes());
        }
        data.write(plan.request().threads(), monitor);
    }

    static List<ExportItem> dataOrder(List<ExportItem> items) {
        List<ExportItem> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingInt((ExportItem i) -> -DTYPE_ORDER.indexOf(code(i.dtype())))
                .thenComparing(i -> i.outputKey().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        return sorted;
    }

    /**
     * The header JSON, padded with spaces to a multiple of 8 bytes. Streamed: data binding would load hundreds of
     * classes into every export (and into the installed command's AOT cache, which loads them at every start).
     * The entries go through a LinkedHashMap, as they did through an ObjectNode: a tensor named
     * {@code __metadata__} takes the metadata's place.
     */
    private static byte[] header(List<ExportItem> ordered, Map<String, String> metadata) throws IOException {
        Map<String, Object> entries = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            entries.put("__metadata__", metadata);
        }
        for (ExportItem i : ordered) {
            entries.put(i.outputKey(), i);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long offset = 0;
        try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            json.writeStartObject();
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                json.writeFieldName(e.getKey());
                json.writeStartObject();
                if (e.getValue() instanceof ExportItem i) {
                    json.writeStringField("dtype", code(i.dtype()));
                    json.writeArrayFieldStart("shape");
                    long[] dims = i.tensor().shape();
                    for (int d = 0; d < dims.length; d++) {
                        // safetensors counts 4-bit values in F4 shapes; torch counts bytes of two values.
                        boolean packed = i.dtype() == DType.FLOAT4_E2M1FN_X2 && d == dims.length - 1;
                        json.writeNumber(packed ? Math.multiplyExact(dims[d], 2L) : dims[d]);
                    }
                    json.writeEndArray();
                    long end = Math.addExact(offset, i.outputBytes());
                    json.writeArrayFieldStart("data_offsets");
                    json.writeNumber(offset);
                    json.writeNumber(end);
                    json.writeEndArray();
                    offset = end;
                } else {
                    for (Map.Entry<String, String> m : metadata.entrySet()) {
                        json.writeStringField(m.getKey(), m.getValue());
                    }
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        byte[] json = bytes.toByteArray();
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** The request's metadata, else a safetensors source's own, else {@code {"format": "pt"}}. */
    private static Map<String, String> metadata(ExportPlan plan) {
        if (plan.request().safetensorsMetadata() != null) {
            return plan.request().safetensorsMetadata();
        }
        Checkpoint source = plan.source();
        if (source.format() == Format.SAFETENSORS && source.metadata() instanceof PyValue.Dict d && d.size() > 0) {
            Map<String, String> m = new LinkedHashMap<>();
            d.entries().forEach((k, v) -> {
                if (k instanceof PyValue.Str ks && v instanceof PyValue.Str vs) {
                    m.put(ks.value(), vs.value());
                }
            });
            return m;
        }
        return Map.of("format", "pt");
    }

    private static String code(DType d) {
        return d.safetensorsCode().orElseThrow(() -> new IllegalArgumentException("no safetensors code for " + d));
    }

    private static void writeFully(FileChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
