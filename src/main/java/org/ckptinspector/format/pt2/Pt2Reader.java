package org.ckptinspector.format.pt2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.ckptinspector.container.JsonText;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.container.ZipEntry;
import org.ckptinspector.format.torch.ByteSwappedRegion;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;

/**
 * Reads a torch.export {@code .pt2} archive (docs/llm-formats.md §6): the weights and tensor constants listed in
 * {@code data/weights/model_weights_config.json} and {@code data/constants/model_constants_config.json}, each a
 * strided view (sizes, strides, storage offset from its {@code tensor_meta}) over the raw storage bytes of its
 * record; records several names share are one shared storage. Pickled payloads (tensor subclasses, custom and
 * opaque objects) are reported, not read. The pickled sample inputs only go through the restricted unpickler, for
 * the globals they name.
 */
public final class Pt2Reader {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Config files above this size are refused; real ones are a few kilobytes per tensor. */
    private static final long MAX_CONFIG = 256L << 20;
    private static final int STRIDED = 7;

    private Pt2Reader() {}

    public static Checkpoint read(Path file) throws IOException {
        MappedFile mapped = MappedFile.open(file);
        List<Closeable> resources = new ArrayList<>(List.of(mapped));
        try {
            ZipArchive zip = ZipArchive.open(mapped, file.toString());
            resources.add(zip);
            return read(file, zip, resources);
        } catch (IOException | RuntimeException e) {
            for (Closeable c : resources) {
                c.close();
            }
            throw e;
        }
    }

    private static Checkpoint read(Path file, ZipArchive zip, List<Closeable> resources) throws IOException {
        List<String> names = zip.names();
        if (names.contains("serialized_exported_program.json")) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": a torch.export archive "
                    + "in the layout of torch < 2.8, whose weights are pickled (serialized_state_dict.pt); this "
                    + "version reads the pt2 archive layout only");
        }
        String root = zip.torchFolder() + "/";
        String format = text(zip, root + "archive_format");
        if (format == null || !format.strip().equals("pt2")) {
            throw CheckpointException.corrupt(file, "record " + root + "archive_format does not say pt2");
        }
        boolean bigEndian = "big".equals(strip(text(zip, root + "byteorder")));
        List<String> warnings = new ArrayList<>();
        List<GlobalRef> globals = new ArrayList<>();
        List<TensorRef> tensors = new ArrayList<>();
        PyValue.Dict rootValue = new PyValue.Dict();
        Map<String, Storage> storages = new HashMap<>();
        for (String name : names) {
            if (!name.startsWith(root)) {
                continue;
            }
            String rel = name.substring(root.length());
            if (rel.startsWith("data/weights/") && rel.endsWith("_weights_config.json")
                    || rel.startsWith("data/constants/") && rel.endsWith("_constants_config.json")) {
                String dir = rel.substring(0, rel.lastIndexOf('/') + 1);
                readConfig(file, zip, root + dir, name, bigEndian, storages, tensors, rootValue, warnings);
            } else if (rel.startsWith("data/sample_inputs/")) {
                globals.addAll(samplePickle(file, zip, name, warnings));
            } else if (rel.startsWith("data/aotinductor/")) {
                warnings.add("record " + name + " is compiled AOTInductor code; it is never loaded");
            }
        }
        PyValue.Dict metadata = programMetadata(file, zip, names, root);
        return new Checkpoint(file, Format.PT2, rootValue, tensors, globals, warnings, metadata, resources);
    }

    /** A small text record, or null when absent. */
    private static String text(ZipArchive zip, String name) throws IOException {
        ByteRegion r = zip.region(name);
        if (r == null || r.length() > 4096) {
            return r == null ? null : "";
        }
        return java.nio.charset.StandardCharsets.UTF_8.decode(r.slice(0, (int) r.length())).toString();
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    /** One {@code {"config": {fqn: PayloadMeta}}} file: its tensors over the records of its folder. */
    private static void readConfig(Path file, ZipArchive zip, String dir, String name, boolean bigEndian,
            Map<String, Storage> storages, List<TensorRef> tensors, PyValue.Dict rootValue, List<String> warnings)
            throws IOException {
        JsonNode config = json(file, zip, name).path("config");
        Iterator<Map.Entry<String, JsonNode>> fields = config.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String fqn = f.getKey();
            JsonNode meta = f.getValue();
            String record = dir + meta.path("path_name").asText();
            if (meta.path("use_pickle").asBoolean(false) || !meta.has("tensor_meta")) {
                warnings.add(fqn + " (" + record + ") is a pickled object or tensor subclass; it is not read");
                continue;
            }
            if (rootValue.get(fqn) != null) {
                warnings.add(fqn + " is listed twice; the first is shown");
                continue;
            }
            TensorRef t = tensor(file, zip, fqn, record, meta.path("tensor_meta"), bigEndian, storages);
            t = t.withLocation(fqn, List.of(fqn));
            if (meta.path("is_param").asBoolean(false)) {
                t = t.withFlags(java.util.Set.of(TensorRef.Flag.PARAMETER));
            }
            tensors.add(t);
            rootValue.put(new PyValue.Str(fqn), new PyValue.Tensor(t));
        }
    }

    private static TensorRef tensor(Path file, ZipArchive zip, String fqn, String record, JsonNode meta,
            boolean bigEndian, Map<String, Storage> storages) throws IOException {
        DType dtype = ScalarTypes.of(meta.path("dtype").asInt(-1)).orElseThrow(() -> new CheckpointException(
                CheckpointException.Kind.UNSUPPORTED, file + ": " + fqn + " has torch.export ScalarType "
                        + meta.path("dtype") + ", which this version does not read"));
        if (meta.path("layout").asInt(STRIDED) != STRIDED) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": " + fqn
                    + " is not a strided tensor (layout " + meta.path("layout") + ")");
        }
        long[] sizes = ints(file, fqn, meta.path("sizes"));
        long[] strides = ints(file, fqn, meta.path("strides"));
        long offset = meta.path("storage_offset").path("as_int").asLong(0);
        Storage storage = storages.get(record);
        if (storage == null) {
            ByteRegion bytes = zip.region(record);
            if (bytes != null && bigEndian && dtype.itemSize() > 1) {
                bytes = new ByteSwappedRegion(bytes, dtype.kind() == DType.Kind.COMPLEX ? dtype.itemSize() / 2
                        : dtype.itemSize());
            }
            storage = new Storage(record, dtype, bytes == null ? 0 : bytes.length(), "cpu", bytes, true);
            storages.put(record, storage);
        }
        return TensorRef.strided(dtype, sizes, strides, offset, storage).checked();
    }

    /** Sizes or strides: {@code [{"as_int": n}]}; symbolic entries ({@code as_expr}) cannot be read. */
    private static long[] ints(Path file, String fqn, JsonNode list) throws CheckpointException {
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = list.get(i).path("as_int");
            if (!v.canConvertToLong()) {
                throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": " + fqn
                        + " has a symbolic size or stride; only concrete tensors are read");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private static JsonNode json(Path file, ZipArchive zip, String name) throws IOException {
        ByteRegion r = zip.region(name);
        if (r == null) {
            throw CheckpointException.corrupt(file, "record " + name + " cannot be found in the archive");
        }
        if (r.length() > MAX_CONFIG) {
            throw CheckpointException.limit(file, "record " + name + " is larger than " + MAX_CONFIG + " bytes");
        }
        try (JsonParser p = JsonText.python(file, "record " + name, r)) {
            return JSON.readTree(p);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw CheckpointException.corrupt(file, "record " + name + " is not valid JSON: "
                    + e.getOriginalMessage());
        }
    }

    /**
     * The sample inputs are a torch.save archive inside the archive: its {@code data.pkl} is run through the
     * restricted unpickler for the globals it names; nothing in it becomes a tensor of this checkpoint.
     */
    private static List<GlobalRef> samplePickle(Path file, ZipArchive zip, String name, List<String> warnings)
            throws CheckpointException {
        warnings.add("record " + name + " holds the pickled sample inputs; their globals are listed, they are not "
                + "read");
        try {
            ByteRegion inner = zip.region(name);
            try (ZipArchive archive = ZipArchive.open(inner, file + ", " + name)) {
                ZipEntry e = archive.record("data.pkl").orElse(null);
                if (e != null) {
                    String record = name + "/" + e.name();
                    RestrictedUnpickler u = new RestrictedUnpickler(record, file + ", " + record, new PythonCalls(),
                            (pid, offset) -> PyValue.None.NONE);
                    return u.load(archive.read(e)).globals();
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.add("record " + name + " could not be read as a torch.save archive: " + e.getMessage());
        }
        return List.of();
    }

    /** {@code torch_version} and {@code schema_version} from {@code models/*.json}, read as a stream. */
    private static PyValue.Dict programMetadata(Path file, ZipArchive zip, List<String> names, String root)
            throws IOException {
        PyValue.Dict metadata = new PyValue.Dict();
        for (String name : names) {
            if (!name.startsWith(root + "models/") || !name.endsWith(".json")) {
                continue;
            }
            String model = name.substring(root.length() + 7, name.length() - 5);
            ByteRegion json = zip.region(name);
            if (json == null) {
                continue;
            }
            try (JsonParser p = JsonText.python(file, "record " + name, json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("torch_version") && p.currentToken() == JsonToken.VALUE_STRING) {
                        metadata.put(new PyValue.Str(model + ".torch_version"), new PyValue.Str(p.getText()));
                    } else if (field.equals("schema_version") && p.currentToken() == JsonToken.START_OBJECT) {
                        JsonNode v = JSON.readTree(p);
                        metadata.put(new PyValue.Str(model + ".schema_version"),
                                new PyValue.Str(v.path("major").asText() + "." + v.path("minor").asText()));
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw CheckpointException.corrupt(file, "record " + name + " is not valid JSON: "
                        + e.getOriginalMessage());
            }
        }
        return metadata;
    }
}
