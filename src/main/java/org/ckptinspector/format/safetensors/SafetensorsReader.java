package org.ckptinspector.format.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * Reads a {@code .safetensors} file: an 8-byte header length, a JSON header, then the tensor bytes. Applies the
 * reference implementation's validation ({@code read_metadata} + {@code validate}) before any tensor is exposed.
 */
public final class SafetensorsReader {
    /** The reference implementation's MAX_HEADER_SIZE. */
    public static final long MAX_HEADER_SIZE = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafetensorsReader() {}

    /** True when the first bytes look like a safetensors header: a plausible length followed by JSON. */
    public static boolean sniff(ByteBuffer head, long fileLength) {
        if (head.remaining() < 9) {
            return false;
        }
        long n = head.getLong(0);
        if (n <= 0 || n > MAX_HEADER_SIZE || n > fileLength - 8) {
            return false;
        }
        for (int i = 8; i < head.remaining(); i++) {
            byte b = head.get(i);
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    public static Checkpoint read(Path file) throws IOException {
        MappedFile mapped = MappedFile.open(file);
        try {
            Parsed parsed = parse(file, mapped);
            return new Checkpoint(file, Format.SAFETENSORS, parsed.root(), parsed.tensors(), List.of(), List.of(),
                    parsed.metadata(), List.of(mapped));
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    /** The tensors and metadata of one safetensors file, also used for the shards of a sharded checkpoint. */
    public record Parsed(List<TensorRef> tensors, PyValue.Dict root, PyValue.Dict metadata) {}

    public static Parsed parse(Path file, ByteRegion bytes) throws CheckpointException {
        try {
            return parseChecked(file, bytes);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Kind.IO, file + ": " + e.getMessage(), e);
        }
    }

    private static Parsed parseChecked(Path file, ByteRegion bytes) throws IOException {
        long length = bytes.length();
        if (length < 8) {
            throw bad(file, "file is too short to hold a safetensors header (" + length + " bytes)");
        }
        long n = bytes.slice(0, 8).getLong(0);
        if (n < 0 || n > MAX_HEADER_SIZE) {
            throw CheckpointException.limit(file, "safetensors header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_SIZE + " bytes");
        }
        if (8 + n > length) {
            throw bad(file, "safetensors header length " + n + " reaches past the end of the file ("
                    + length + " bytes)");
        }
        ByteBuffer headerBytes = bytes.slice(8, (int) n);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "safetensors header is not valid UTF-8");
        }
        JsonNode header;
        try {
            header = JSON.readTree(headerText);
        } catch (JsonProcessingException e) {
            throw bad(file, "safetensors header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw bad(file, "safetensors header is not a JSON object");
        }
        long dataStart = 8 + n;
        long bufferLength = length - dataStart;
        PyValue.Dict metadata = new PyValue.Dict();
        List<Entry> entries = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
        int order = 0;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals("__metadata__")) {
                readMetadata(file, f.getValue(), metadata);
                continue;
            }
            entries.add(entry(file, f.getKey(), f.getValue(), order++));
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected || e.end() < e.begin()) {
                throw bad(file, "tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", " + e.end()
                        + "] but the previous tensor ends at " + expected + " (gaps and overlaps are not allowed)");
            }
            expected = e.end();
        }
        if (expected != bufferLength) {
            throw bad(file, "tensor data ends at byte " + expected + " of the data buffer but the buffer holds "
                    + bufferLength + " bytes");
        }
        List<TensorRef> tensors = new ArrayList<>();
        PyValue.Dict root = new PyValue.Dict();
        for (Entry e : entries) {
            ByteRegion region = bytes.region(dataStart + e.begin(), e.end() - e.begin());
            Storage storage = new Storage(e.name(), e.dtype(), e.end() - e.begin(), "", region, false);
            TensorRef t = TensorRef.strided(e.dtype(), e.shape(), contiguousStrides(e.shape()), 0, storage)
                    .withLocation(e.name(), List.of(e.name()));
            tensors.add(t);
            root.put(new PyValue.Str(e.name()), new PyValue.Tensor(t));
        }
        return new Parsed(tensors, root, metadata);
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end, int order) {}

    private static Entry entry(Path file, String name, JsonNode info, int order) throws CheckpointException {
        if (!info.isObject()) {
            throw bad(file, "header entry '" + name + "' is not an object");
        }
        JsonNode dtypeNode = info.get("dtype");
        JsonNode shapeNode = info.get("shape");
        JsonNode offsets = info.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual() || shapeNode == null || !shapeNode.isArray()
                || offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw bad(file, "header entry '" + name + "' needs dtype, shape and data_offsets [begin, end]");
        }
        String code = dtypeNode.asText();
        DType dtype = DType.fromSafetensorsCode(code).orElseThrow(() -> new CheckpointException(
                CheckpointException.Kind.UNSUPPORTED, file + ": tensor '" + name + "' has dtype " + code
                        + ", which this version does not support"));
        long[] headerShape = new long[shapeNode.size()];
        for (int i = 0; i < headerShape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0) {
                throw bad(file, "tensor '" + name + "' has an invalid shape " + shapeNode);
            }
            headerShape[i] = d.asLong();
        }
        long begin = offset(file, name, offsets.get(0));
        long end = offset(file, name, offsets.get(1));
        long bits;
        try {
            long count = 1;
            for (long d : headerShape) {
                count = Math.multiplyExact(count, d);
            }
            bits = Math.multiplyExact(count, (long) bitsPerHeaderElement(dtype));
        } catch (ArithmeticException ex) {
            throw CheckpointException.limit(file, "tensor '" + name + "' has a shape whose element count overflows");
        }
        if (bits % 8 != 0) {
            throw bad(file, "tensor '" + name + "' does not fill whole bytes");
        }
        if (end >= begin && end - begin != bits / 8) {
            throw bad(file, "tensor '" + name + "' has " + (end - begin) + " bytes of data but its dtype and shape "
                    + "need " + bits / 8);
        }
        return new Entry(name, dtype, torchShape(dtype, headerShape), begin, end, order);
    }

    /** safetensors counts 4-bit values for F4; torch's float4_e2m1fn_x2 counts bytes (two values each). */
    private static int bitsPerHeaderElement(DType dtype) {
        return dtype == DType.FLOAT4_E2M1FN_X2 ? 4 : dtype.itemSize() * 8;
    }

    private static long[] torchShape(DType dtype, long[] headerShape) {
        if (dtype != DType.FLOAT4_E2M1FN_X2 || headerShape.length == 0) {
            return headerShape;
        }
        long[] s = headerShape.clone();
        s[s.length - 1] = s[s.length - 1] / 2;
        return s;
    }

    private static long offset(Path file, String name, JsonNode n) throws CheckpointException {
        if (n == null || !n.canConvertToExactIntegral() || !n.canConvertToLong() || n.asLong() < 0) {
            throw bad(file, "tensor '" + name + "' has invalid data_offsets");
        }
        return n.asLong();
    }

    private static void readMetadata(Path file, JsonNode node, PyValue.Dict metadata) throws CheckpointException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw bad(file, "__metadata__ must be an object of strings");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw bad(file, "__metadata__ value for '" + m.getKey() + "' is not a string");
            }
            metadata.put(new PyValue.Str(m.getKey()), new PyValue.Str(m.getValue().asText()));
        }
    }

    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= Math.max(1, shape[i]);
        }
        return stride;
    }

    private static CheckpointException bad(Path file, String reason) {
        return CheckpointException.corrupt(file, reason);
    }
}
