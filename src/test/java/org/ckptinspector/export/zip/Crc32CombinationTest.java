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
}
