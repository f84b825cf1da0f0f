package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.PyValue;

/**
 * Converts Python values to JSON for reports (tensors become short references, NaN and Inf strings), and the
 * writers the reports share.
 */
public final class JsonValues {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 64;

    private JsonValues() {}

    public static JsonNode toJson(PyValue v) {
        return toJson(v, 0);
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

    private static JsonNode toJson(PyValue v, int depth) {
        if (depth > MAX_DEPTH) {
            return F.textNode("…");
        }
        if (v instanceof PyValue.Bool b) {
            return F.booleanNode(b.value());
        } else if (v instanceof PyValue.Int i) {
            return F.numberNode(i.value());
        } else if (v instanceof PyValue.Float f) {
            return Double.isFinite(f.value()) ? F.numberNode(f.value()) : F.textNode(String.valueOf(f.value()));
        } else if (v instanceof PyValue.Complex c) {
            return F.textNode("(" + c.real() + (c.imag() < 0 ? "" : "+") + c.imag() + "j)");
        } else if (v instanceof PyValue.Str s) {
            return F.textNode(s.value());
        } else if (v instanceof PyValue.Bytes b) {
            return F.textNode("base64:" + Base64.getEncoder().encodeToString(b.value()));
        } else if (v instanceof PyValue.Global g) {
            return F.textNode(g.qualifiedName());
        } else if (v instanceof PyValue.Tensor t) {
            return tensorRef(t);
        } else if (v instanceof PyValue.StorageValue s) {
            return F.textNode("<storage " + s.storage().key() + ">");
        } else if (v instanceof PyValue.Tuple t) {
            return array(t.items(), depth);
        } else if (v instanceof PyValue.PyList l) {
            return array(l.items(), depth);
        } else if (v instanceof PyValue.Dict d) {
            return dict(d.entries(), depth);
        } else if (v instanceof PyValue.Obj o) {
            return object(o, depth);
        }
        return F.nullNode();
    }

    private static JsonNode tensorRef(PyValue.Tensor t) {
        ObjectNode o = F.objectNode();
        o.put("tensor", t.ref().key());
        return o;
    }

    private static ArrayNode array(List<PyValue> items, int depth) {
        ArrayNode a = F.arrayNode();
        for (PyValue item : items) {
            a.add(toJson(item, depth + 1));
        }
        return a;
    }

    private static ObjectNode dict(Map<PyValue, PyValue> entries, int depth) {
        ObjectNode o = F.objectNode();
        for (Map.Entry<PyValue, PyValue> e : entries.entrySet()) {
            o.set(PyValue.keyText(e.getKey()), toJson(e.getValue(), depth + 1));
        }
        return o;
    }

    private static ObjectNode object(PyValue.Obj obj, int depth) {
        ObjectNode o = F.objectNode();
        o.put("object", obj.typeName());
        if (obj.args().size() > 0) {
            o.set("args", array(obj.args().items(), depth));
        }
        if (!obj.attributes().isEmpty()) {
            o.set("attributes", dict(obj.attributes(), depth));
        } else if (!(obj.state() instanceof PyValue.None)) {
            o.set("state", toJson(obj.state(), depth + 1));
        }
        if (!obj.listItems().isEmpty()) {
            o.set("items", array(obj.listItems(), depth));
        }
        if (!obj.dictItems().isEmpty()) {
            o.set("entries", dict(obj.dictItems(), depth));
        }
        return o;
    }
}
