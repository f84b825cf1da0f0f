package org.ckptinspector.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ckptinspector.SafetensorsFile;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN (quiet, signalling, negative), ±Inf, subnormals and −0.0 written as raw bit patterns in every float dtype
 * are counted right. The expected counts follow from each format's encoding rules (noted per pattern) and are
 * checked against real torch reading the same file when torch is installed.
 */
class SpecialValuesTest {
    @TempDir
    static Path dir;
    static Path file;

    /** Expected {nan, +inf, -inf, zeros, -0.0, subnormals, finite} per tensor. */
    static final Map<String, long[]> EXPECTED = Map.of(
            "f32", new long[] {5, 1, 1, 2, 1, 2, 7},
            "f64", new long[] {3, 1, 1, 2, 1, 2, 7},
            "f16", new long[] {4, 1, 1, 2, 1, 2, 7},
            "bf16", new long[] {3, 1, 1, 2, 1, 2, 7},
            "e4m3fn", new long[] {2, 0, 0, 2, 1, 1, 6},
            "e5m2", new long[] {4, 1, 1, 2, 1, 1, 5},
            "e4m3fnuz", new long[] {1, 0, 0, 1, 0, 1, 4},
            "e5m2fnuz", new long[] {1, 0, 0, 1, 0, 1, 3},
            "e8m0", new long[] {1, 0, 0, 0, 0, 0, 3},
            "c64", new long[] {1, 1, 0, 1, 0, 0, 2});

    @BeforeAll
    static void writeFile() throws Exception {
        file = new SafetensorsFile()
                // qNaN, sNaN, -qNaN, -sNaN, sNaN with full payload | +Inf, -Inf | -0, +0 | min subnormal,
                // -max subnormal | min normal, max, 1.0
                .addBits("f32", "F32", 32, 0x7FC00000L, 0x7F800001L, 0xFFC00000L, 0xFF800001L, 0x7FBFFFFFL,
                        0x7F800000L, 0xFF800000L, 0x80000000L, 0x0L, 0x1L, 0x807FFFFFL, 0x00800000L, 0x7F7FFFFFL,
                        0x3F800000L)
                // qNaN, sNaN, -sNaN | +Inf, -Inf | -0, +0 | min subnormal, max subnormal | min normal, -max, 2.0
                .addBits("f64", "F64", 64, 0x7FF8000000000000L, 0x7FF0000000000001L, 0xFFF0000000000001L,
                        0x7FF0000000000000L, 0xFFF0000000000000L, 0x8000000000000000L, 0L, 1L,
                        0x000FFFFFFFFFFFFFL, 0x0010000000000000L, 0xFFEFFFFFFFFFFFFFL, 0x4000000000000000L)
                // qNaN, sNaN, -sNaN, -qNaN | ±Inf | ∓0 | subnormals 0x0001, -0x03FF | min normal, ±65504, 1
                .addBits("f16", "F16", 16, 0x7E00, 0x7C01, 0xFC01, 0xFE00, 0x7C00, 0xFC00, 0x8000, 0x0000,
                        0x0001, 0x83FF, 0x0400, 0x7BFF, 0xFBFF)
                // qNaN, sNaN, -sNaN | ±Inf | ∓0 | subnormals 0x0001, -0x007F | min normal, max, 1
                .addBits("bf16", "BF16", 16, 0x7FC0, 0x7F81, 0xFF81, 0x7F80, 0xFF80, 0x8000, 0x0000, 0x0001,
                        0x807F, 0x0080, 0x7F7F, 0x3F80)
                // NaN only S.1111.111 | ∓0 | subnormal 0x01 | min normal 0x08, 448, -448 (0x7E is finite)
                .addBits("e4m3fn", "F8_E4M3", 8, 0x7F, 0xFF, 0x80, 0x00, 0x01, 0x08, 0x7E, 0xFE)
                // NaN 0x7D 0x7E 0x7F 0xFD | ±Inf 0x7C 0xFC | ∓0 | subnormal 0x01 | min normal 0x04, 57344
                .addBits("e5m2", "F8_E5M2", 8, 0x7D, 0x7E, 0x7F, 0xFD, 0x7C, 0xFC, 0x80, 0x00, 0x01, 0x04, 0x7B)
                // fnuz: 0x80 is the only NaN (no -0, no Inf) | 0 | subnormal 0x01 | 240 (0x7F), -240 (0xFF)
                .addBits("e4m3fnuz", "F8_E4M3FNUZ", 8, 0x80, 0x00, 0x01, 0x7F, 0xFF)
                .addBits("e5m2fnuz", "F8_E5M2FNUZ", 8, 0x80, 0x00, 0x01, 0x7F)
                // e8m0: 0xFF NaN; 0x00 is 2^-127 (normal: no zero, no subnormals), 0x7F is 1
                .addBits("e8m0", "F8_E8M0", 8, 0xFF, 0x00, 0x7F, 0xFE)
                // (NaN, 1) -> NaN; (Inf, NaN) -> +Inf; (-0, -0) -> 0; (3, -4) -> 5
                .addBits("c64", "C64", 32, 0x7FC00000L, 0x3F800000L, 0x7F800000L, 0x7FC00000L, 0x80000000L,
                        0x80000000L, 0x40400000L, 0xC0800000L)
                .write(dir.resolve("special.safetensors"));
    }

    @Test
    void countsFollowTheEncodings() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            for (var e : EXPECTED.entrySet()) {
                TensorStats s = TensorStatistics.compute(c.tensor(e.getKey()).orElseThrow(), StatsOptions.DEFAULT,
                        TaskMonitor.NONE);
                long[] want = e.getValue();
                long[] got = {s.nan(), s.posInf(), s.negInf(), s.zeros(), s.negativeZeros(), s.subnormals(),
                    s.finite()};
                assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(got), e.getKey());
                assertEquals(s.finite(), s.histogram().total(), "histogram of " + e.getKey());
            }
        }
    }

    @Test
    void extremesSurviveWithoutOverflow() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            TensorStats f64 = TensorStatistics.compute(c.tensor("f64").orElseThrow(), StatsOptions.DEFAULT,
                    TaskMonitor.NONE);
            assertEquals(-Double.MAX_VALUE, f64.min());
            assertEquals(2.0, f64.max());
            assertTrue(Double.isFinite(f64.mean()) && Double.isFinite(f64.std()), f64.toString());
            // One value at -max among seven finite ones: mean -max/7, population std max·sqrt(6)/7 (the other
            // values are negligible next to it).
            assertEquals(-Double.MAX_VALUE / 7, f64.mean(), Double.MAX_VALUE * 1e-12);
            assertEquals(Double.MAX_VALUE / 7 * Math.sqrt(6), f64.populationStd(), Double.MAX_VALUE * 1e-12);
            TensorStats c64 = TensorStatistics.compute(c.tensor("c64").orElseThrow(), StatsOptions.DEFAULT,
                    TaskMonitor.NONE);
            assertEquals(0.0, c64.min());
            assertEquals(5.0, c64.max());
        }
    }

    @Test
    void torchCountsTheSame() throws Exception {
        String python = System.getenv().getOrDefault("TORCH213_PYTHON", "/opt/torch213/bin/python");
        assumeTrue(Files.isExecutable(Path.of(python)), "torch 2.13 is not installed here");
        Process p = new ProcessBuilder(python, "src/test/resources/stats/torch_contract_stats.py", file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "torch oracle failed");
        JsonNode torch = new ObjectMapper().readTree(out);
        for (var e : EXPECTED.entrySet()) {
            JsonNode t = torch.get(e.getKey());
            long[] want = e.getValue();
            long[] got = {t.get("nan").asLong(), t.get("posinf").asLong(), t.get("neginf").asLong(),
                t.get("zeros").asLong(), t.get("neg_zeros").asLong(), t.get("subnormals").asLong(),
                t.get("count").asLong() - t.get("nan").asLong() - t.get("posinf").asLong()
                        - t.get("neginf").asLong()};
            assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(got), "torch on " + e.getKey());
        }
    }
}
