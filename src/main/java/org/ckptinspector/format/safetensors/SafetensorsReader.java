package org.ckptinspector.format.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ckptinspector.container.JsonText;
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
 * Reads a {@code .safetensors} file: an 8-byte header length, a JSON header, then the tensor bytes. Applies every rule
 * of the reference implementation ({@code read_metadata} + {@code validate}, docs/checkpoint-formats.md §9) before any
 * tensor is exposed: header length within the file and at most 100 MB, UTF-8, one JSON object without duplicate keys or
 * trailing content, string metadata, known dtypes, non-negative integer shapes and offsets, element counts that do not
 * overflow, tensors that tile the data buffer from 0 without gaps or overlaps, and no trailing bytes.
 *
 * <p>The header is validated and parsed as a stream, never copied into one string or tree, so a 100 MB header
 * costs the tensors it declares and nothing more; their number is limited by {@link #MAX_TENSORS}.
 */
public final class SafetensorsReader {
    /** The reference implementation's MAX_HEADER_SIZE. */
    public static final long MAX_HEADER_SIZE = 100_000_000L;
    /**
     * Most tensors (and metadata entries) one file may declare; every one costs memory, real files have
     * thousands at most.
     */
    public static final int MAX_TENSORS = 100_000;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final int UTF8_CHUNK = 1 << 20;

    private SafetensorsReader() {}

    /**
     * True when the first bytes look like a safetensors file: JSON text ({@code {} after optional whitespace)
     * from byte 8 on, after 8 bytes that are a binary length rather than text (a JSON file such as a shard index
     * has printable text there). The length itself is checked by {@link #read}, which names what is wrong.
     */
    public static boolean sniff(ByteBuffer head, long fileLength) {
        if (head.remaining() < 9 || !isBinaryLength(head)) {
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

    /** True when the first 8 bytes hold a byte no JSON text has: a control character or a byte UTF-8 never uses. */
    private static boolean isBinaryLength(ByteBuffer head) {
        for (int i = 0; i < 8; i++) {
            int b = head.get(i) & 0xff;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0xc0 || b == 0xc1 || b >= 0xf5) {
                return true;
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
        ByteRegion header = bytes.region(8, n);
        requireUtf8(file, header);
        PyValue.Dict metadata = new PyValue.Dict();
        List<Entry> entries = readHeader(file, header, metadata);
        long dataStart = 8 + n;
        checkTiling(file, entries, length - dataStart);
        List<TensorRef> tensors = new ArrayList<>(entries.size());
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

    /** A header entry; ordered by its data offsets. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(begin, o.begin);
            return c != 0 ? c : Long.compare(end, o.end);
        }
    }

    /** The header must be UTF-8 as a whole (the reference decodes it before parsing); checked chunk by chunk. */
    private static void requireUtf8(Path file, ByteRegion header) throws IOException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // A chunk no longer than the header: a fresh megabyte costs a page fault per 4 KiB.
        int chunk = (int) Math.min(UTF8_CHUNK, header.length());
        CharBuffer sink = CharBuffer.allocate(chunk + 16);
        ByteBuffer carry = ByteBuffer.allocate(chunk + 8);
        long pos = 0;
        while (true) {
            int n = (int) Math.min(chunk, header.length() - pos);
            carry.put(header.slice(pos, n)).flip();
            pos += n;
            boolean last = pos == header.length();
            CoderResult r = utf8.decode(carry, sink.clear(), last);
            if (r.isError() || last && (utf8.flush(sink.clear()).isError() || carry.hasRemaining())) {
                throw bad(file, "safetensors header is not valid UTF-8 (at byte " + (8 + pos - carry.remaining())
                        + ")");
            }
            if (last) {
                return;
            }
            carry.compact();
        }
    }

    private static List<Entry> readHeader(Path file, ByteRegion header, PyValue.Dict metadata)
            throws CheckpointException {
        List<Entry> entries = new ArrayList<>();
        try (JsonParser p = JsonText.parser(JSON, file, "safetensors header", header)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "safetensors header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("__metadata__")) {
                    readMetadata(file, p, metadata, MAX_TENSORS - entries.size());
                    continue;
                }
                if (entries.size() + metadata.size() >= MAX_TENSORS) {
                    throw CheckpointException.limit(file, "the safetensors header declares more than "
                            + MAX_TENSORS + " tensors");
                }
                entries.add(entry(file, name, p));
            }
            if (p.nextToken() != null) {
                throw bad(file, "safetensors header has content after its JSON object");
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw bad(file, "safetensors header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Kind.IO, file + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** One tensor's {@code {"dtype", "shape", "data_offsets"}}; other fields are ignored, as serde does. */
    private static Entry entry(Path file, String name, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw bad(file, "header entry '" + name + "' is not an object");
        }
        String code = null;
        long[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        throw bad(file, "tensor '" + name + "' has a dtype that is not a string");
                    }
                    code = p.getText();
                }
                case "shape" -> shape = integers(file, name, "shape", p, -1);
                case "data_offsets" -> offsets = integers(file, name, "data_offsets", p, 2);
                default -> p.skipChildren();
            }
        }
        if (code == null || shape == null || offsets == null) {
            throw bad(file, "header entry '" + name + "' needs dtype, shape and data_offsets [begin, end]");
        }
        String dtypeCode = code;
        DType dtype = DType.fromSafetensorsCode(code).orElseThrow(() -> new CheckpointException(
                CheckpointException.Kind.UNSUPPORTED, file + ": tensor '" + name + "' has dtype " + dtypeCode
                        + ", which this version does not support"));
        long bits;
        try {
            long count = 1;
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            bits = Math.multiplyExact(count, (long) bitsPerHeaderElement(dtype));
        } catch (ArithmeticException ex) {
            throw CheckpointException.limit(file, "tensor '" + name + "' has a shape whose element count overflows");
        }
        if (bits % 8 != 0) {
            throw bad(file, "tensor '" + name + "' does not fill whole bytes");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end >= begin && end - begin != bits / 8) {
            throw bad(file, "tensor '" + name + "' has " + (end - begin) + " bytes of data but its dtype and shape "
                    + "need " + bits / 8);
        }
        if (dtype == DType.FLOAT4_E2M1FN_X2 && shape.length > 0 && shape[shape.length - 1] % 2 != 0) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": tensor '" + name
                    + "' of dtype F4 has an odd last dimension, which torch's float4_e2m1fn_x2 cannot hold");
        }
        return new Entry(name, dtype, torchShape(dtype, shape), begin, end);
    }

    /** A JSON array of non-negative integers that fit in a long (serde's usize); {@code size} -1 for any length. */
    private static long[] integers(Path file, String name, String field, JsonParser p, int size) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad(file, "tensor '" + name + "' has a " + field + " that is not an array");
        }
        long[] values = new long[4];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw bad(file, "tensor '" + name + "' has an invalid " + field + " (non-negative integers only)");
            }
            if (n == values.length) {
                if (n >= 1024) {
                    throw CheckpointException.limit(file, "tensor '" + name + "' has more than 1024 dimensions");
                }
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            values[n++] = p.getLongValue();
        }
        if (size >= 0 && n != size) {
            throw bad(file, "tensor '" + name + "' needs data_offsets [begin, end]");
        }
        return java.util.Arrays.copyOf(values, n);
    }

    /** Sorted by offsets, tensors must tile the buffer from 0 to its end: no gaps, no overlaps, nothing after. */
    private static void checkTiling(Path file, List<Entry> entries, long bufferLength) throws CheckpointException {
        List<Entry> byOffset = new ArrayList<>(entries);
        Collections.sort(byOffset);
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

    /** {@code __metadata__}: null, or an object of at most {@code max} string values. */
    private static void readMetadata(Path file, JsonParser p, PyValue.Dict metadata, int max) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw bad(file, "__metadata__ must be an object of strings");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw bad(file, "__metadata__ value for '" + key + "' is not a string");
            }
            if (metadata.size() >= max) {
                throw CheckpointException.limit(file, "the safetensors header declares more than " + MAX_TENSORS
                        + " tensors and metadata entries");
            }
            metadata.put(new PyValue.Str(key), new PyValue.Str(p.getText()));
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
