package org.ckptinspector.export.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ckptinspector.model.DType;
import org.junit.jupiter.api.Test;

/** Whole-buffer dtype conversion on top of {@link org.ckptinspector.values.FloatBits}. */
class DTypeConversionTest {
    @Test
    void conversionConvertsWholeBuffersAndLeavesOthersAlone() {
        DTypeConversion c = DTypeConversion.of(DType.FLOAT32, DType.BFLOAT16).orElseThrow();
        ByteBuffer in = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(-2f).flip();
        ByteBuffer out = ByteBuffer.allocate(4);
        c.convert(in, out);
        assertEquals(0, in.remaining());
        assertEquals(4, out.position());
        out.flip().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((short) 0x3F80, out.getShort());
        assertEquals((short) 0xC000, out.getShort());
        assertTrue(DTypeConversion.of(DType.INT32, DType.FLOAT16).isEmpty());
        assertTrue(DTypeConversion.of(DType.FLOAT64, DType.FLOAT16).isEmpty());
        assertTrue(DTypeConversion.of(DType.QINT8, DType.FLOAT32).isEmpty());
        assertEquals(DType.BOOL, DTypeConversion.resultOf(DType.BOOL, DType.FLOAT16));
    }
}
