package org.ckptinspector.export.zip;

/**
 * Joins the CRC-32s of two adjacent runs of bytes into the CRC-32 of both, as zlib's {@code crc32_combine} does
 * (java.util.zip has no such call), so that the pieces of one zip entry can be checksummed on different threads.
 * The first CRC is advanced over as many zero bytes as the second run has, by repeated squaring of the matrix
 * that shifts a CRC by one zero bit: O(log n) steps of 32x32 bit products.
 */
public final class Crc32Combination {
    /** The CRC-32 polynomial, bit-reversed as java.util.zip.CRC32 uses it. */
    private static final long POLYNOMIAL = 0xedb88320L;

    private Crc32Combination() {}

    /** The CRC-32 of {@code A + B}, given {@code crc(A)}, {@code crc(B)} and B's length in bytes. */
    public static int combine(int crcA, int crcB, long lengthB) {
        if (lengthB <= 0) {
            return crcA;
        }
        long[] even = new long[32];
        long[] odd = new long[32];
        odd[0] = POLYNOMIAL;            // one zero bit
        for (int n = 1; n < 32; n++) {
            odd[n] = 1L << (n - 1);
        }
        square(even, odd);              // two zero bits
        square(odd, even);              // four zero bits
        long crc = crcA & 0xffffffffL;
        long remaining = lengthB;
        while (true) {
            square(even, odd);          // the first pass: one zero byte, then two, four, ...
            if ((remaining & 1) != 0) {
                crc = times(even, crc);
            }
            remaining >>>= 1;
            if (remaining == 0) {
                break;
            }
            square(odd, even);
            if ((remaining & 1) != 0) {
                crc = times(odd, crc);
            }
            remaining >>>= 1;
            if (remaining == 0) {
                break;
            }
        }
        return (int) (crc ^ (crcB & 0xffffffffL));
    }

    private static long times(long[] matrix, long vector) {
        long sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(long[] result, long[] matrix) {
        for (int n = 0; n < 32; n++) {
            result[n] = times(matrix, matrix[n]);
        }
    }
}
