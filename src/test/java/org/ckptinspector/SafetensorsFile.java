package org.ckptinspector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small safetensors files with exact raw bytes for tests, as the format's spec lays them out. */
public final class SafetensorsFile {
    private final ObjectNode header = new ObjectMapper().createObjectNode();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Adds a tensor of the given safetensors dtype code and shape with these little-endian bytes. */
    public SafetensorsFile add(String name, String dtype, long[] shape, byte[] bytes) {
        ObjectNode t = header.putObject(name);
        t.put("dtype", dtype);
        var s = t.putArray("shape");
        for (long d : shape) {
            s.add(d);
        }
        var offsets = t.putArray("data_offsets");
        offsets.add(data.size());
        data.writeBytes(bytes);
        offsets.add(data.size());
        return this;
    }

    /** Adds a 1-d tensor of 8-, 16-, 32- or 64-bit raw patterns. */
    public SafetensorsFile addBits(String name, String dtype, int bits, long... patterns) {
        ByteBuffer b = ByteBuffer.allocate(patterns.length * bits / 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long p : patterns) {
            switch (bits) {
                case 8 -> b.put((byte) p);
                case 16 -> b.putShort((short) p);
                case 32 -> b.putInt((int) p);
                default -> b.putLong(p);
            }
        }
        long n = dtype.startsWith("C") ? patterns.length / 2 : patterns.length;
        return add(name, dtype, new long[] {n}, b.array());
    }

    public Path write(Path file) throws IOException {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        Files.write(file, head.array());
        Files.write(file, data.toByteArray(), java.nio.file.StandardOpenOption.APPEND);
        return file;
    }
}
