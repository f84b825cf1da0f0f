package org.ckptinspector.values;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * Applies torch's lazy conjugate and negative bits to streamed element bytes, so readers see the values torch
 * shows ({@code x.conj()} saved unresolved stores the original numbers plus a bit). Conjugation flips the sign of
 * imaginary parts; negation flips float signs and negates integers in two's complement.
 */
final class LogicalValues {
    private LogicalValues() {}

    /** {@code sink} itself when the tensor has neither bit, else a sink that transforms each chunk first. */
    static TensorBytes.ChunkSink apply(TensorRef t, TensorBytes.ChunkSink sink) {
        DType d = t.dtype();
        boolean conj = t.has(TensorRef.Flag.CONJ) && d.kind() == DType.Kind.COMPLEX;
        boolean neg = t.has(TensorRef.Flag.NEG) && d.kind() != DType.Kind.BOOL && d.kind() != DType.Kind.QUANTIZED
                && d.kind() != DType.Kind.RAW && d != DType.FLOAT8_E8M0FNU;
        if (!conj && !neg) {
            return sink;
        }
        int item = d.itemSize();
        return new TensorBytes.ChunkSink() {
            private byte[] buffer = new byte[0];

            @Override
            public void accept(ByteBuffer chunk) throws java.io.IOException {
                int n = chunk.remaining();
                if (buffer.length < n) {
                    buffer = new byte[n];
                }
                chunk.get(buffer, 0, n);
                for (int e = 0; e + item <= n; e += item) {
                    transform(buffer, e, d, conj, neg);
                }
                sink.accept(ByteBuffer.wrap(buffer, 0, n).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
            }
        };
    }

    private static void transform(byte[] b, int e, DType d, boolean conj, boolean neg) {
        int item = d.itemSize();
        switch (d.kind()) {
            case COMPLEX -> {
                int half = item / 2;
                if (neg) {
                    b[e + half - 1] ^= (byte) 0x80;
                }
                if (neg != conj) {
                    b[e + item - 1] ^= (byte) 0x80;
                }
            }
            case FLOAT -> {
                if (d == DType.FLOAT4_E2M1FN_X2) {
                    b[e] ^= (byte) 0x88;
                } else {
                    b[e + item - 1] ^= (byte) 0x80;
                }
            }
            case INT, UINT -> {
                int carry = 1;
                for (int i = 0; i < item; i++) {
                    int v = (~b[e + i] & 0xff) + carry;
                    b[e + i] = (byte) v;
                    carry = v >>> 8;
                }
            }
            default -> {
                // bool, quantized and raw bits have no negation in torch
            }
        }
    }
}
