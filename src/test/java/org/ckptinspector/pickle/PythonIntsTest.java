package org.ckptinspector.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * INT and LONG lines as CPython 3.11's {@code _pickle.c} reads them (docs/container-rules.md §4, the values measured
 * there): strtol base 0 first for INT, then {@code PyLong_FromString(s, 0)}; "ValueError" is CPython's refusal.
 */
class PythonIntsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0x10|16", "010|8", "0o7|7", "0b101|5", "-0o7|-7", "1_000|1000", "'  +5 '|5", "00|false", "01|true",
        "+1|true", "' 0'|false", "000|0", "0x|ValueError", "08|ValueError", "1__0|ValueError", "_1|ValueError",
        "1_|ValueError", "''|ValueError", "99999999999999999999|99999999999999999999", "0x_1|1", "12abc|ValueError"})
    void intLines(String line, String want) {
        Object got = PythonInts.pickleInt(line.getBytes(StandardCharsets.US_ASCII));
        if (want.equals("ValueError")) {
            assertNull(got, line);
        } else if (want.equals("true") || want.equals("false")) {
            assertEquals(Boolean.valueOf(want), got, line);
        } else {
            assertEquals(new BigInteger(want), got, line);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0x10L|16", "10L|10", "10|10", "-1_0|-10", "010|ValueError", "' 7 L'|7",
        "'5L '|ValueError", "0|0"})
    void longLines(String line, String want) {
        BigInteger got = PythonInts.pickleLong(line.getBytes(StandardCharsets.US_ASCII));
        if (want.equals("ValueError")) {
            assertNull(got, line);
        } else {
            assertEquals(new BigInteger(want), got, line);
        }
    }
}
