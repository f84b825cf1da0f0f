package org.ckptinspector.export.zip;

/**
 * Joins the CRC-32s of two adjacent runs of bytes into the CRC-32 of both, as zlib's {@code crc32_combine} does
 * (java.util.zip has no such call), so that the pieces of one zip entry can be checksummed on different threads.
 * The first CRC is multiplied by x^(8·length) modulo the CRC polynomial, built from a table of x^(2^n): at most
 * 32 shift-and-add steps per set bit of the length (zlib 1.2.12's method; the older one squares a 32×32 bit
 * matrix per bit of the length, which cost milliseconds per export while this code was still interpreted).
 */
public final class Crc32Combination {
    /** The CRC-32 polynomial, bit-reversed as java.util.zip.CRC32 uses it. */
    private static final int POLYNOMIAL = 0xedb88320;
    /** x^0 = 1 in the reflected bit order. */
    private static final int ONE = 1 << 31;
    /** x^(2^n) modulo the polynomial, for n = 0 … 31; x^(2^32) is x again, so n counts modulo 32. */
    private static final int[] X_TO_2_TO_N = new int[32];

    static {
        int p = ONE >>> 1;  // x^1
        X_TO_2_TO_N[0] = p;
        for (int n = 1; n < 32; n++) {
            p = multiply(p, p);
            X_TO_2_TO_N[n] = p;
        }
    }

    private Crc32Combination() {}

    /** The CRC-32 of {@code A + B}, given {@code crc(A)}, {@code crc(B)} and B's length in bytes. */
    public static int combine(int crcA, int crcB, long lengthB) {
        if (lengthB <= 0) {
            return crcA;
        }
        return multiply(xToThe8Times(lengthB), crcA) ^ crcB;
    }

    /** x^(8·bytes) modulo the polynomial: the factor that shifts a CRC over that many zero bytes. */
    private static int xToThe8Times(long bytes) {
        int p = ONE;
        int n = 3;  // 8 = 2^3
        for (long rest = bytes; rest != 0; rest >>>= 1, n++) {
            if ((rest & 1) != 0) {
                p = multiply(X_TO_2_TO_N[n & 31], p);
            }
        }
        return p;
    }

    /** a·b modulo the polynomial, both in the reflected bit order; {@code a} must not be zero. */
    private static int multiply(int a, int b) {
        int product = 0;
        int m = ONE;
        int shifted = b;
        while (true) {
            if ((a & m) != 0) {
                product ^= shifted;
                if ((a & (m - 1)) == 0) {
                    return product;
                }
            }
            m >>>= 1;
            shifted = (shifted & 1) != 0 ? (shifted >>> 1) ^ POLYNOMIAL : shifted >>> 1;
        }
    }
}
