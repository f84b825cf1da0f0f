package org.ckptinspector;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, for tests that need pickles torch would never write (hostile ones). */
public final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static PickleBuilder proto2() {
        return new PickleBuilder().op(0x80).op(2);
    }

    public PickleBuilder op(int opcode) {
        out.write(opcode);
        return this;
    }

    public PickleBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public PickleBuilder repeat(int opcode, int times) {
        for (int i = 0; i < times; i++) {
            out.write(opcode);
        }
        return this;
    }

    public PickleBuilder global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public PickleBuilder str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').raw(le4(b.length)).raw(b);
    }

    public PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').op((int) v);
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').raw(le4((int) v));
        }
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        return op(0x8a).op(8).raw(b);
    }

    public PickleBuilder mark() {
        return op('(');
    }

    public PickleBuilder tuple() {
        return op('t');
    }

    public PickleBuilder emptyDict() {
        return op('}');
    }

    public PickleBuilder emptyTuple() {
        return op(')');
    }

    public PickleBuilder setitem() {
        return op('s');
    }

    public PickleBuilder reduce() {
        return op('R');
    }

    /** A {@code _rebuild_tensor_v2} call on a FloatStorage persistent id, pushing one dense float32 tensor. */
    public PickleBuilder floatTensor(String key, long storageNumel, long offset, long[] shape, long[] stride) {
        return tensor("FloatStorage", key, storageNumel, null, offset, shape, stride);
    }

    /**
     * A {@code _rebuild_tensor_v2} call on a {@code torch.<storageClass>} persistent id; {@code legacyView} =
     * {view_key, offset, size} adds the legacy format's sixth element (null: a zip-format 5-tuple).
     */
    public PickleBuilder tensor(String storageClass, String key, long storageNumel, Object[] legacyView, long offset,
            long[] shape, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(storageNumel);
        if (legacyView != null) {
            mark().str((String) legacyView[0]).integer((Long) legacyView[1]).integer((Long) legacyView[2]).tuple();
        }
        tuple().op('Q').integer(offset);
        mark();
        for (long d : shape) {
            integer(d);
        }
        tuple().mark();
        for (long s : stride) {
            integer(s);
        }
        tuple().op(0x89);
        return global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
    }

    public byte[] stop() {
        out.write('.');
        return out.toByteArray();
    }

    public static byte[] le4(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
