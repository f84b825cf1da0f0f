package org.ckptinspector.values;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;

/** Logical values beyond what the fixtures cover: negation of integers and views, conj+neg, packed views. */
class TensorBytesTest {

    private static TensorRef tensor(DType dtype, ByteBuffer data, long[] shape, long[] stride, long offset,
            TensorRef.Flag... flags) {
        byte[] bytes = java.util.Arrays.copyOf(data.array(), data.position());
        Storage s = new Storage("0", dtype, bytes.length, "cpu", ByteRegion.of(bytes), true);
        return TensorRef.strided(dtype, shape, stride, offset, s).withFlags(Set.of(flags)).checked();
    }

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer read(TensorRef t) throws Exception {
        return ByteBuffer.wrap(TensorBytes.toArray(t, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void negativeBitNegatesIntegersInTwosComplement() throws Exception {
        ByteBuffer b = le(8).putShort((short) 1).putShort((short) -2).putShort(Short.MAX_VALUE)
                .putShort(Short.MIN_VALUE);
        ByteBuffer out = read(tensor(DType.INT16, b, new long[] {4}, new long[] {1}, 0, TensorRef.Flag.NEG));
        assertEquals(-1, out.getShort());
        assertEquals(2, out.getShort());
        assertEquals(-Short.MAX_VALUE, out.getShort());
        assertEquals(Short.MIN_VALUE, out.getShort());
    }

    @Test
    void conjugateAndNegativeTogetherNegateOnlyTheRealPart() throws Exception {
        ByteBuffer b = le(32).putDouble(1.5).putDouble(-2.5).putDouble(0.0).putDouble(3.0);
        ByteBuffer out = read(tensor(DType.COMPLEX128, b, new long[] {2}, new long[] {1}, 0, TensorRef.Flag.CONJ,
                TensorRef.Flag.NEG));
        assertEquals(-1.5, out.getDouble());
        assertEquals(-2.5, out.getDouble());
        assertEquals(-0.0, out.getDouble());
        assertEquals(3.0, out.getDouble());
    }

    @Test
    void negativeBitOnAStridedViewAppliesToTheGatheredElements() throws Exception {
        ByteBuffer b = le(24);
        for (int i = 0; i < 6; i++) {
            b.putFloat(i + 1);
        }
        ByteBuffer out = read(tensor(DType.FLOAT32, b, new long[] {2, 2}, new long[] {1, 3}, 1, TensorRef.Flag.NEG));
        float[] got = new float[4];
        for (int i = 0; i < 4; i++) {
            got[i] = out.getFloat();
        }
        assertArrayEquals(new float[] {-2, -5, -3, -6}, got);
    }

    @Test
    void packedViewsMustStartOnAByte() throws Exception {
        ByteBuffer b = le(3).put((byte) 0x21).put((byte) 0x43).put((byte) 0x05);
        assertArrayEquals(new byte[] {0x21, 0x43, 0x05},
                TensorBytes.toArray(tensor(DType.QUINT4X2, b, new long[] {5}, new long[] {1}, 0), 16));
        TensorRef odd = tensor(DType.QUINT4X2, b, new long[] {4}, new long[] {1}, 1);
        CheckpointException e = assertThrows(CheckpointException.class, () -> TensorHash.sha256(odd));
        assertEquals(CheckpointException.Kind.UNSUPPORTED, e.kind());
    }
}
