package org.ckptinspector.values;

import java.nio.ByteBuffer;
import org.ckptinspector.model.DType;

/**
 * Dequantizes GGML blocks to float32 exactly as gguf-py's {@code quants.dequantize} does: the scalar formulas of
 * docs/llm-formats.md §1.7–1.8 in float arithmetic, in the same operation order (Java has no FMA contraction), which
 * reproduces gguf-py bit for bit.
 */
final class GgmlBlocks {
    private GgmlBlocks() {}

    /**
     * Decodes {@code blocks} consecutive blocks of {@code type} from {@code src} (from its position 0) into
     * {@code dst} from {@code offset}; {@code type.blockSize()} values per block.
     */
    static void dequantize(DType type, ByteBuffer src, int blocks, float[] dst, int offset) {
        int size = type.itemSize();
        int n = type.blockSize();
        for (int b = 0; b < blocks; b++) {
            int at = b * size;
            int out = offset + b * n;
            switch (type) {
                case Q4_0 -> q4(src, at, dst, out, false);
                case Q4_1 -> q4(src, at, dst, out, true);
                case Q5_0 -> q5(src, at, dst, out, false);
                case Q5_1 -> q5(src, at, dst, out, true);
                case Q8_0 -> q8(src, at, dst, out);
                case Q2_K -> q2k(src, at, dst, out);
                case Q3_K -> q3k(src, at, dst, out);
                case Q4_K -> q45k(src, at, dst, out, false);
                case Q5_K -> q45k(src, at, dst, out, true);
                case Q6_K -> q6k(src, at, dst, out);
                default -> throw new IllegalArgumentException(type + " is not decoded");
            }
        }
    }

    private static float f16(ByteBuffer b, int at) {
        return MiniFloats.float16Table()[b.getShort(at) & 0xFFFF];
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xFF;
    }

    /** Q4_0 {@code d*(q-8)}, Q4_1 {@code d*q+m}; low nibbles of qs[0..15] are values 0..15, high ones 16..31. */
    private static void q4(ByteBuffer b, int at, float[] y, int out, boolean withMin) {
        float d = f16(b, at);
        float m = withMin ? f16(b, at + 2) : 0;
        int qs = at + (withMin ? 4 : 2);
        for (int i = 0; i < 16; i++) {
            int lo = u8(b, qs + i) & 0xF;
            int hi = u8(b, qs + i) >> 4;
            if (withMin) {
                y[out + i] = d * (float) lo + m;
                y[out + i + 16] = d * (float) hi + m;
            } else {
                y[out + i] = d * (float) (lo - 8);
                y[out + i + 16] = d * (float) (hi - 8);
            }
        }
    }

    /** Q5_0 {@code d*(q-16)}, Q5_1 {@code d*q+m}; bit i of qh is the fifth bit of value i. */
    private static void q5(ByteBuffer b, int at, float[] y, int out, boolean withMin) {
        float d = f16(b, at);
        float m = withMin ? f16(b, at + 2) : 0;
        int qhAt = at + (withMin ? 4 : 2);
        int qh = b.getInt(qhAt);
        int qs = qhAt + 4;
        for (int i = 0; i < 32; i++) {
            int ql = i < 16 ? u8(b, qs + i) & 0xF : u8(b, qs + i - 16) >> 4;
            int q = ql | (((qh >>> i) & 1) << 4);
            y[out + i] = withMin ? d * (float) q + m : d * (float) (q - 16);
        }
    }

    private static void q8(ByteBuffer b, int at, float[] y, int out) {
        float d = f16(b, at);
        for (int i = 0; i < 32; i++) {
            y[out + i] = (float) b.get(at + 2 + i) * d;
        }
    }

    private static void q2k(ByteBuffer b, int at, float[] y, int out) {
        int scales = at;
        int qs = at + 16;
        float d = f16(b, at + 80);
        float dmin = f16(b, at + 82);
        for (int i = 0; i < 256; i++) {
            int q = (u8(b, qs + (i / 128) * 32 + i % 32) >> (2 * ((i % 128) / 32))) & 3;
            int sc = u8(b, scales + i / 16);
            y[out + i] = (d * (float) (sc & 0xF)) * (float) q - dmin * (float) (sc >> 4);
        }
    }

    private static void q3k(ByteBuffer b, int at, float[] y, int out) {
        int hmask = at;
        int qs = at + 32;
        int scales = at + 96;
        float d = f16(b, at + 108);
        int[] sc = new int[16];
        for (int j = 0; j < 16; j++) {
            int lo = (u8(b, scales + j % 8) >> (4 * (j / 8))) & 0xF;
            int hi = (u8(b, scales + 8 + j % 4) >> (2 * (j / 4))) & 3;
            sc[j] = (lo | (hi << 4)) - 32;
        }
        for (int i = 0; i < 256; i++) {
            int ql = (u8(b, qs + (i / 128) * 32 + i % 32) >> (2 * ((i % 128) / 32))) & 3;
            int h = (u8(b, hmask + i % 32) >> (i / 32)) & 1;
            int q = ql - (h != 0 ? 0 : 4);
            y[out + i] = (d * (float) sc[i / 16]) * (float) q;
        }
    }

    /** Q4_K and Q5_K: eight sub-blocks of 32 with 6-bit scales and mins packed in 12 bytes. */
    private static void q45k(ByteBuffer b, int at, float[] y, int out, boolean fifthBit) {
        float d = f16(b, at);
        float dmin = f16(b, at + 2);
        int s = at + 4;
        int qh = at + 16;
        int qs = fifthBit ? at + 48 : at + 16;
        int[] sc = new int[8];
        int[] mn = new int[8];
        for (int k = 0; k < 4; k++) {
            sc[k] = u8(b, s + k) & 63;
            mn[k] = u8(b, s + k + 4) & 63;
        }
        for (int k = 4; k < 8; k++) {
            sc[k] = (u8(b, s + k + 4) & 0xF) | ((u8(b, s + k - 4) >> 6) << 4);
            mn[k] = (u8(b, s + k + 4) >> 4) | ((u8(b, s + k) >> 6) << 4);
        }
        for (int i = 0; i < 256; i++) {
            int k = i / 32;
            int l = i % 32;
            int q = (u8(b, qs + (k / 2) * 32 + l) >> (4 * (k % 2))) & 0xF;
            if (fifthBit) {
                q |= ((u8(b, qh + l) >> k) & 1) << 4;
            }
            y[out + i] = (d * (float) sc[k]) * (float) q - dmin * (float) mn[k];
        }
    }

    private static void q6k(ByteBuffer b, int at, float[] y, int out) {
        int ql = at;
        int qh = at + 128;
        int scales = at + 192;
        float d = f16(b, at + 208);
        for (int i = 0; i < 256; i++) {
            int half = i / 128;
            int r = i % 128;
            int lo = (u8(b, ql + half * 64 + r % 64) >> (4 * (r / 64))) & 0xF;
            int hi = (u8(b, qh + half * 32 + r % 32) >> (2 * (r / 32))) & 3;
            int q = (lo | (hi << 4)) - 32;
            y[out + i] = (d * (float) b.get(scales + i / 16)) * (float) q;
        }
    }
}
