package org.ckptinspector.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.PyValue;
import org.junit.jupiter.api.Test;

/**
 * The validation rules of the reference implementation (docs/checkpoint-formats.md §9) that the hostile corpus does not
 * already pin down file by file: what is accepted (whitespace, null metadata, empty and 0-dim tensors, unknown fields)
 * as much as what is refused, and the limits that keep a 100 MB header affordable.
 */
class SafetensorsReaderTest {
    private static final Path FILE = Path.of("t.safetensors");

    private static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static byte[] file(byte[] header, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.writeBytes(header);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    private static SafetensorsReader.Parsed parse(byte[] bytes) throws CheckpointException {
        return SafetensorsReader.parse(FILE, ByteRegion.of(bytes));
    }

    private static String refused(byte[] bytes) {
        return assertThrows(CheckpointException.class, () -> parse(bytes)).getMessage();
    }

    @Test
    void acceptsWhitespaceNullMetadataEmptyAndScalarTensorsAndUnknownFields() throws Exception {
        String header = "  \n{\"__metadata__\": null, \"e\": {\"dtype\": \"F32\", \"shape\": [0, 5], \"data_offsets\": [0, 0]},"
                + " \"s\": {\"dtype\": \"I64\", \"shape\": [], \"data_offsets\": [0, 8], \"note\": {\"x\": [1]}}}   ";
        SafetensorsReader.Parsed p = parse(file(header, 8));
        assertEquals(2, p.tensors().size());
        assertArrayEquals(new long[] {0, 5}, p.tensors().get(0).shape());
        assertEquals(1, p.tensors().get(1).numel());
        assertEquals(0, p.metadata().size());
    }

    @Test
    void anEmptyFileOfNoTensorsIsValid() throws Exception {
        assertEquals(0, parse(file("{}", 0)).tensors().size());
    }

    @Test
    void contentAfterTheJsonObjectIsRefused() {
        assertTrue(refused(file("{} {}", 0)).contains("content after its JSON object"));
    }

    @Test
    void integersOnlyForShapesAndOffsets() {
        assertTrue(refused(file("{\"a\": {\"dtype\": \"U8\", \"shape\": [2.0], \"data_offsets\": [0, 2]}}", 2))
                .contains("invalid shape"));
        assertTrue(refused(file("{\"a\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [0, 2, 4]}}", 2))
                .contains("needs data_offsets [begin, end]"));
        assertTrue(refused(file("{\"a\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [0, 1e1]}}", 2))
                .contains("invalid data_offsets"));
    }

    @Test
    void metadataKeysRepeatedAreRefusedLikeTensorNames() {
        assertTrue(refused(file("{\"__metadata__\": {\"a\": \"1\", \"a\": \"2\"}}", 0)).contains("Duplicate field"));
    }

    @Test
    void f4NeedsAnEvenLastDimensionForTorchsPackedBytes() throws Exception {
        assertEquals(2, parse(file("{\"a\": {\"dtype\": \"F4\", \"shape\": [3, 4], \"data_offsets\": [0, 6]}}", 6))
                .tensors().get(0).shape()[1]);
        CheckpointException e = assertThrows(CheckpointException.class, () -> parse(file(
                "{\"a\": {\"dtype\": \"F4\", \"shape\": [4, 3], \"data_offsets\": [0, 6]}}", 6)));
        assertEquals(CheckpointException.Kind.UNSUPPORTED, e.kind());
    }

    @Test
    void utf8IsCheckedAcrossChunkBoundaries() throws Exception {
        // a metadata value whose 3-byte characters straddle the 1 MiB chunk the validator reads at a time
        String value = "x".repeat((1 << 20) - 30) + "€".repeat(20);
        String header = "{\"__metadata__\": {\"k\": \"" + value + "\"}}";
        PyValue meta = parse(file(header, 0)).metadata();
        assertEquals(value, ((PyValue.Str) ((PyValue.Dict) meta).get("k")).value());
        byte[] bad = header.getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 6] = (byte) 0xff;
        assertTrue(refused(file(bad, 0)).contains("not valid UTF-8"));
    }

    @Test
    void moreTensorsThanTheLimitAreRefusedBeforeTheyCostMemory() {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i <= SafetensorsReader.MAX_TENSORS; i++) {
            h.append(i == 0 ? "" : ",").append("\"t").append(i)
                    .append("\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> parse(file(h.append("}").toString(), 0)));
        assertEquals(CheckpointException.Kind.LIMIT_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("more than 100000 tensors"), e.getMessage());
    }

    @Test
    void sniffTellsABinaryLengthFromJsonText() {
        ByteBuffer st = ByteBuffer.wrap(file("{}", 0)).order(ByteOrder.LITTLE_ENDIAN);
        assertTrue(SafetensorsReader.sniff(st, st.capacity()));
        ByteBuffer huge = ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, '{', '}'});
        assertTrue(SafetensorsReader.sniff(huge, 10), "a hostile length is still safetensors, refused by read");
        byte[] index = "{\"a\":   {\"metadata\": 1}}".getBytes(StandardCharsets.UTF_8);
        assertEquals('{', index[8]);
        assertTrue(!SafetensorsReader.sniff(ByteBuffer.wrap(index), index.length), "JSON text is no safetensors");
    }
}
