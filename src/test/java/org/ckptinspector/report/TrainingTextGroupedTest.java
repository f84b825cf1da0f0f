package org.ckptinspector.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TrainingText's digit grouping prints what {@code %,d} in the root locale printed before it. */
class TrainingTextGroupedTest {
    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 12, 123, 999, 1000, -1000, 12345, 123456, -123456, 1234567, 100000000,
        999999999999L, Long.MAX_VALUE, Long.MIN_VALUE})
    void groupsAsTheFormatterDoes(long n) {
        assertEquals(String.format(Locale.ROOT, "%,d", n), TrainingText.grouped(n));
    }
}
