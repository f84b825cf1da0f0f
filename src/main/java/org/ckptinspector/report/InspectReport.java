package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ckptinspector.adapter.AdapterSummary;
import org.ckptinspector.diff.ConfigCheck;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.ScalePartners;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.security.CheckpointGlobals;
import org.ckptinspector.training.OptimizerMapping;
import org.ckptinspector.training.OptimizerStateDict;
import org.ckptinspector.training.TrainingState;
import org.ckptinspector.training.WeightsOnlyVerdict;
import org.ckptinspector.values.TensorHash;
import org.ckptinspector.values.ValueReader;

/**
 * The {@code inspect --json} document of the CLI contract, written one tensor at a time: as a tree, the document
 * would take several times the heap of the opened file.
 */
public final class InspectReport {
    private InspectReport() {}

    /** Writes the document to {@code json}. */
    public static void write(Checkpoint c, boolean withHash, JsonGenerator json) throws IOException {
        write(c, withHash, false, json);
    }

    /** Writes the document to {@code json}; with {@code withBlocks}, {@code "repeated_blocks"} after the tensors. */
    public static void write(Checkpoint c, boolean withHash, boolean withBlocks, JsonGenerator json)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("file", c.file().toString());
        json.writeStringField("format", c.format().id());
        if (c.folder() != null) {
            folder(c.folder(), json);
        }
        Optional<ConfigCheck> check = ConfigCheck.of(c);
        if (check.isPresent()) {
            configCheck(check.get(), json);
        }
        Optional<AdapterSummary> adapter = AdapterSummary.of(c);
        if (adapter.isPresent()) {
            AdapterReport.write(adapter.get(), json);
        }
        Map<String, List<CheckpointFolder.Chunk>> chunks = c.folder() == null ? Map.of() : c.folder().chunks();
        TrainingState training = TrainingState.of(c);
        Map<String, String> scaleOf = ScalePartners.weightsByScale(c.tensors());
        json.writeArrayFieldStart("tensors");
        for (TensorRef t : c.tensors()) {
            tensor(t, training.role(t).orElse(null), withHash, chunks.get(t.key()), scaleOf.get(t.key()), json);
        }
        json.writeEndArray();
        if (withBlocks) {
            RepeatedBlocksReport.write(org.ckptinspector.model.RepeatedBlocks.find(c.tensors()), json);
        }
        List<String> names = CheckpointGlobals.names(c);
        JsonValues.writeStrings("globals", names, json);
        JsonValues.writeStrings("unsafe_globals", CheckpointGlobals.unsafe(names), json);
        Set<String> warnings = new LinkedHashSet<>(c.warnings());
        for (TensorRef t : c.tensors()) {
            for (String p : t.problems()) {
                warnings.add(t.key() + ": " + p);
            }
        }
        JsonValues.writeStrings("warnings", warnings, json);
        json.writeFieldName("metadata");
        JsonValues.write(c.metadata(), json);
        training(training, json);
        weightsOnly(WeightsOnlyVerdict.of(c, names), json);
        json.writeEndObject();
    }

    /** {@code model}, {@code parameters}, {@code breakdown} and {@code optimizers}. */
    private static void training(TrainingState s, JsonGenerator json) throws IOException {
        json.writeStringField("model", s.modelKey());
        json.writeNumberField("parameters", s.parameterCount());
        json.writeObjectFieldStart("breakdown");
        json.writeNumberField("model", s.breakdown().model());
        json.writeNumberField("optimizer", s.breakdown().optimizer());
        json.writeNumberField("other", s.breakdown().other());
        json.writeEndObject();
        json.writeArrayFieldStart("optimizers");
        for (TrainingState.Optimizer o : s.optimizers()) {
            json.writeStartObject();
            json.writeStringField("key", o.key());
            path(o.path(), json);
            OptimizerMapping m = o.mapping();
            json.writeStringField("mapping", m.status().id());
            json.writeStringField("reason", m.reason());
            json.writeArrayFieldStart("groups");
            for (OptimizerStateDict.Group g : o.stateDict().groups()) {
                json.writeStartObject();
                json.writeArrayFieldStart("params");
                for (int id : g.ids()) {
                    String name = m.names().get(id);
                    if (name == null) {
                        json.writeNumber(id);
                    } else {
                        json.writeString(name);
                    }
                }
                json.writeEndArray();
                json.writeObjectFieldStart("hyper_parameters");
                for (var e : g.hyperParameters().entrySet()) {
                    json.writeFieldName(e.getKey());
                    JsonValues.write(e.getValue(), json);
                }
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectFieldStart("candidates");
            for (var e : m.candidates().entrySet()) {
                JsonValues.writeStrings(Integer.toString(e.getKey()), e.getValue(), json);
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** Most per-channel scales and zero points listed; longer ones are null (their tensors hold them). */
    static final int MAX_CHANNELS = 1 << 16;

    /** {@code scale}: the partner that dequantizes a float8 weight, its layout and the block one scale covers. */
    private static void scale(Quantization.Scaled s, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("scale");
        json.writeStringField("key", s.scale().key());
        json.writeStringField("layout", s.layout().id());
        json.writeFieldName("block");
        json.writeArray(new long[] {s.blockRows(), s.blockCols()}, 0, 2);
        json.writeStringField("input_scale", s.inputScale() == null ? null : s.inputScale().key());
        json.writeEndObject();
    }

    /** {@code quantization}: scheme and scale / zero point, or per-channel scales, zero points and axis. */
    private static void quantization(Quantization q, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("quantization");
        if (q instanceof Quantization.PerTensor p) {
            json.writeStringField("qscheme", p.qscheme());
            json.writeNumberField("scale", p.scale());
            json.writeNumberField("zero_point", p.zeroPoint());
        } else if (q instanceof Quantization.PerChannel p) {
            json.writeStringField("qscheme", p.qscheme());
            channelValues("scales", p.scales(), false, json);
            channelValues("zero_points", p.zeroPoints(), true, json);
            json.writeNumberField("axis", p.axis());
        }
        json.writeEndObject();
    }

    private static void channelValues(String field, TensorRef t, boolean integers, JsonGenerator json)
            throws IOException {
        json.writeFieldName(field);
        if (!t.hasValues() || t.numel() > MAX_CHANNELS) {
            json.writeNull();
            return;
        }
        double[] v = ValueReader.head(t, (int) t.numel());
        json.writeStartArray();
        for (double d : v) {
            if (integers) {
                json.writeNumber((long) d);
            } else {
                json.writeNumber(d);
            }
        }
        json.writeEndArray();
    }

    /** {@code weights_only}: null for formats torch.load does not read. */
    private static void weightsOnly(WeightsOnlyVerdict v, JsonGenerator json) throws IOException {
        if (v == null) {
            json.writeNullField("weights_only");
            return;
        }
        json.writeObjectFieldStart("weights_only");
        json.writeBooleanField("loads", v.loads());
        JsonValues.writeStrings("blocking", v.blocking(), json);
        json.writeStringField("snippet", v.snippet());
        json.writeStringField("reason", v.reason());
        json.writeEndObject();
    }

    private static void path(List<Object> path, JsonGenerator json) throws IOException {
        json.writeArrayFieldStart("path");
        for (Object p : path) {
            if (p instanceof Integer i) {
                json.writeNumber(i);
            } else {
                json.writeString(String.valueOf(p));
            }
        }
        json.writeEndArray();
    }

    /** The same document as a tree, for callers that look things up in it; small files only. */
    public static ObjectNode toJson(Checkpoint c, boolean withHash) throws IOException {
        // In a class of its own: the verifier would load data binding for this class (InspectTree's body) on
        // every command line's inspect --json, which streams and never builds a tree.
        return InspectTree.of(c, withHash);
    }

    /** {@code "folder": {"kind", "files": [{"name", "role", "prefix", "format"}], "config"}}. */
    private static void folder(CheckpointFolder f, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("folder");
        json.writeStringField("kind", f.kind().id());
        json.writeArrayFieldStart("files");
        for (CheckpointFolder.Part p : f.parts()) {
            json.writeStartObject();
            json.writeStringField("name", p.name());
            json.writeStringField("role", p.role());
            json.writeStringField("prefix", p.keyPrefix().isEmpty() ? null : p.keyPrefix());
            json.writeStringField("format", p.format());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeFieldName("config");
        JsonValues.write(f.config(), json);
        json.writeEndObject();
    }

    /** {@code "config_check": [{"field", "config", "weights", "tensor", "ok", "note"}]}. */
    private static void configCheck(ConfigCheck check, JsonGenerator json) throws IOException {
        json.writeArrayFieldStart("config_check");
        for (ConfigCheck.Finding f : check.findings()) {
            json.writeStartObject();
            json.writeStringField("field", f.field());
            json.writeNumberField("config", f.config());
            if (f.weights() == null) {
                json.writeNullField("weights");
            } else {
                json.writeNumberField("weights", f.weights());
            }
            json.writeStringField("tensor", f.tensor());
            json.writeBooleanField("ok", f.ok());
            json.writeStringField("note", f.note());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void tensor(TensorRef t, TrainingState.StateRole role, boolean withHash,
            List<CheckpointFolder.Chunk> chunks, String scaleFor, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("key", t.key());
        path(t.path(), json);
        json.writeStringField("dtype", t.dtype().torchName());
        json.writeFieldName("shape");
        json.writeArray(t.shape(), 0, t.shape().length);
        json.writeFieldName("stride");
        json.writeArray(t.stride(), 0, t.stride().length);
        json.writeNumberField("storage_offset", t.storageOffset());
        json.writeNumberField("numel", t.numel());
        json.writeStringField("storage", t.storage() != null && t.storage().shareable() ? t.storage().key() : null);
        if (t.quantization() instanceof Quantization.Scaled s) {
            scale(s, json);
        } else if (t.quantization() != null) {
            quantization(t.quantization(), json);
        }
        if (scaleFor != null) {
            json.writeStringField("scale_for", scaleFor);
        }
        if (role != null) {
            json.writeStringField("param", role.param());
            json.writeStringField("state", role.state());
        }
        if (withHash) {
            // Meta tensors and tensors with problems have no values, so no hash.
            json.writeStringField("sha256", t.hasValues() ? TensorHash.sha256(t) : null);
        }
        if (chunks != null) {
            json.writeArrayFieldStart("chunks");
            for (CheckpointFolder.Chunk ch : chunks) {
                json.writeStartObject();
                json.writeFieldName("offsets");
                json.writeArray(ch.offsets(), 0, ch.offsets().length);
                json.writeFieldName("sizes");
                json.writeArray(ch.sizes(), 0, ch.sizes().length);
                json.writeStringField("file", ch.file());
                json.writeNumberField("byte_offset", ch.byteOffset());
                json.writeNumberField("byte_length", ch.byteLength());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }
}
