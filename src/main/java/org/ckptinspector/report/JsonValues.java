package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.PyValue;

/**
 * Writes Python values as JSON for reports, token by token (tensors become short references, NaN and Inf
 * strings), and the writers the reports share. Only Jackson's streaming generator is used, so a report never
 * loads its data binding.
 */
public final class JsonValues {
    private static final int MAX_DEPTH = 64;

    private JsonValues() {}

    /** Writes {@code v} as one JSON value. */
    public static void write(PyValue v, JsonGenerator json) throws IOException {
        write(v, 0, json);
    }

    /** Writes {@code field} as an array of {@code values}, for the reports written as streams. */
    static void writeStrings(String field, Iterable<String> values, JsonGenerator json) throws IOException {
        json.writeArrayFieldStart(field);
        for (String v : values) {
            json.writeString(v);
        }
        json.writeEndArray();
    }

    /** Writes {@code field} as an integer, or null. */
    static void writeInteger(String field, Integer v, JsonGenerator json) throws IOException {
        json.writeFieldName(field);
        if (v == null) {
            json.writeNull();
        } else {
            json.writeNumber(v);
        }
    }

    /** Appends a titled list to a text report ({@code title (n):} and the lines indented); nothing if empty. */
    static void textSection(StringBuilder out, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        out.append(title).append(" (").append(lines.size()).append("):\n");
        lines.forEach(l -> out.append("  ").append(l).append('\n'));
    }

    private static void write(PyValue v, int depth, JsonGenerator json) throws IOException {
        if (depth > MAX_DEPTH) {
            json.writeString("…");
        } else if (v instanceof PyValue.Bool b) {
            json.writeBoolean(b.value());
        } else if (v instanceof PyValue.Int i) {
            json.writeNumber(i.value());
        } else if (v instanceof PyValue.Float f) {
            if (Double.isFinite(f.value())) {
                json.writeNumber(f.value());
            } else {
                json.writeString(String.valueOf(f.value()));
            }
        } else if (v instanceof PyValue.Complex c) {
            json.writeString("(" + c.real() + (c.imag() < 0 ? "" : "+") + c.imag() + "j)");
        } else if (v instanceof PyValue.Str s) {
            json.writeString(s.value());
        } else if (v instanceof PyValue.Bytes b) {
            json.writeString("base64:" + Base64.getEncoder().encodeToString(b.value()));
        } else if (v instanceof PyValue.Global g) {
            json.writeString(g.qualifiedName());
        } else if (v instanceof PyValue.Tensor t) {
            json.writeStartObject();
            json.writeStringField("tensor", t.ref().key());
            json.writeEndObject();
        } else if (v instanceof PyValue.StorageValue s) {
            json.writeString("<storage " + s.storage().key() + ">");
        } else if (v instanceof PyValue.Tuple t) {
            array(t.items(), depth, json);
        } else if (v instanceof PyValue.PyList l) {
            array(l.items(), depth, json);
        } else if (v instanceof PyValue.Dict d) {
            dict(d.entries(), depth, json);
        } else if (v instanceof PyValue.Obj o) {
            object(o, depth, json);
        } else {
            json.writeNull();
        }
    }

    private static void array(List<PyValue> items, int depth, JsonGenerator json) throws IOException {
        json.writeStartArray();
        for (PyValue item : items) {
            write(item, depth + 1, json);
        }
        json.writeEndArray();
    }

    /** Keys whose text is the same (1 and "1") keep the first one's place and the last one's value. */
    private static void dict(Map<PyValue, PyValue> entries, int depth, JsonGenerator json) throws IOException {
        Map<String, PyValue> byText = new LinkedHashMap<>();
        for (Map.Entry<PyValue, PyValue> e : entries.entrySet()) {
            byText.put(PyValue.keyText(e.getKey()), e.getValue());
        }
        json.writeStartObject();
        for (Map.Entry<String, PyValue> e : byText.entrySet()) {
            json.writeFieldName(e.getKey());
            write(e.getValue(), depth + 1, json);
        }
        json.writeEndObject();
    }

    private static void object(PyValue.Obj obj, int depth, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("object", obj.typeName());
        if (obj.args().size() > 0) {
            json.writeFieldName("args");
            array(obj.args().items(), depth, json);
        }
        if (!obj.attributes().isEmpty()) {
            json.writeFieldName("attributes");
            dict(obj.attributes(), depth, json);
        } else if (!(obj.state() instanceof PyValue.None)) {
            json.writeFieldName("state");
            write(obj.state(), depth + 1, json);
        }
        if (!obj.listItems().isEmpty()) {
            json.writeFieldName("items");
            array(obj.listItems(), depth, json);
        }
        if (!obj.dictItems().isEmpty()) {
            json.writeFieldName("entries");
            dict(obj.dictItems(), depth, json);
        }
        json.writeEndObject();
    }
}
