package org.ckptinspector.export.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Crc32CombinationTest {
    private static int crc(byte[] b, int from, int to) {
        CRC32 c = new CRC32();
        c.update(b, from, to - from);
        return (int) c.getValue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 8, 255, 4096, 65_537, 1 << 20})
    void twoPiecesCombineToTheCrcOfTheWhole(int split) {
        byte[] data = new byte[(1 << 20) + 12_345];
        new Random(split).nextBytes(data);
        int whole = crc(data, 0, data.length);
        assertEquals(whole, Crc32Combination.combine(crc(data, 0, split), crc(data, split, data.length),
                data.length - split));
    }

    @Test
    void manyUnevenPiecesCombineInOrder() {
        byte[] data = new byte[3_000_001];
        Random random = new Random(7);
        random.nextBytes(data);
        int combined = crc(data, 0, 0);
        for (int at = 0; at < data.length; ) {
            int end = Math.min(data.length, at + 1 + random.nextInt(400_000));
            combined = Crc32Combination.combine(combined, crc(data, at, end), end - at);
            at = end;
        }
        assertEquals(crc(data, 0, data.length), combined);
    }

    /** A second run longer than 4 GiB (zero bytes, checksummed a megabyte at a time): the length's high bits count. */
    @Test
    void aRunLongerThan4GiBCombines() {
        byte[] head = new byte[1000];
        new Random(11).nextBytes(head);
        byte[] zeros = new byte[1 << 20];
        long length = (4L << 30) + 12_345;
        CRC32 whole = new CRC32();
        CRC32 tail = new CRC32();
        whole.update(head);
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(zeros.length, length - done);
            whole.update(zeros, 0, n);
            tail.update(zeros, 0, n);
            done += n;
        }
        assertEquals((int) whole.getValue(), Crc32Combination.combine(crc(head, 0, head.length),
                (int) tail.getValue(), length));
    }
}
