package org.ckptinspector.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Names the model formats of other frameworks by their content, so that opening one says what it is instead of
 * "unrecognised content": HDF5 (Keras {@code .h5}), TensorFlow Lite, ExecuTorch, pre-GGUF GGML files, TensorFlow
 * checkpoint indexes, and the protobuf models of ONNX, TensorFlow SavedModel and Core ML.
 */
final class OtherFormats {
    private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /** The footer magic of a LevelDB-style table, which a TensorFlow {@code .index} file is. */
    private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;

    private OtherFormats() {}

    /** What the file is, as a phrase ({@code "an ONNX model"}), or null when it is none of these. */
    static String name(ByteBuffer head, long size, Path file) throws IOException {
        if (starts(head, 0, HDF5)) {
            return "an HDF5 file (Keras .h5 weights or model, or other HDF5 data)";
        }
        if (starts(head, 4, "TFL3".getBytes(StandardCharsets.US_ASCII))) {
            return "a TensorFlow Lite model (.tflite)";
        }
        if (head.remaining() >= 8 && head.get(4) == 'E' && head.get(5) == 'T' && Character.isDigit(head.get(6))
                && Character.isDigit(head.get(7))) {
            return "an ExecuTorch program (.pte)";
        }
        if (head.remaining() >= 4) {
            int magic = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (magic == 0x67676d6c || magic == 0x67676d66 || magic == 0x67676a74) {
                return "a GGML model from before GGUF (ggml/ggmf/ggjt); convert it to GGUF with llama.cpp";
            }
        }
        if (size >= 48 && tableMagic(file, size)) {
            return "a TensorFlow checkpoint index (.index; its values are in the .data-* files)";
        }
        return protobuf(head);
    }

    /** ONNX ModelProto, TensorFlow SavedModel or Core ML Model: all start with field 1 as a varint (0x08). */
    private static String protobuf(ByteBuffer head) {
        if (head.remaining() < 8 || head.get(0) != 0x08 || (head.get(1) & 0x80) != 0) {
            return null;
        }
        String text = StandardCharsets.ISO_8859_1.decode(head.duplicate()).toString();
        int tag = head.get(2) & 0xFF;
        int len = head.get(3) & 0xFF;
        if (text.contains("tensorflow") || text.contains("serving_default")) {
            return "a TensorFlow SavedModel (saved_model.pb)";
        }
        if (tag == 0x3a || tag == 0x12 && len > 0 && len < 0x80 && printable(head, 4, len)) {
            return "an ONNX model (.onnx)";
        }
        if (tag == 0x12 && head.get(4 + ((len & 0x80) != 0 ? 1 : 0)) == 0x0a) {
            return "a Core ML model (.mlmodel)";
        }
        return null;
    }

    private static boolean printable(ByteBuffer head, int from, int len) {
        if (from + len > head.remaining()) {
            return false;
        }
        for (int i = from; i < from + len; i++) {
            int c = head.get(i) & 0xFF;
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean tableMagic(Path file, long size) throws IOException {
        ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (tail.hasRemaining() && ch.read(tail, size - 8 + tail.position()) >= 0) {
                // read the last 8 bytes
            }
        }
        return tail.getLong(0) == TABLE_MAGIC;
    }

    private static boolean starts(ByteBuffer head, int at, byte[] magic) {
        if (head.remaining() < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head.get(at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
