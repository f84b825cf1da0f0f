package org.ckptinspector.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.ckptinspector.SafetensorsFile;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health sweep finds and ranks broken tensors of a real file, and leaves healthy ones alone. */
class HealthCheckTest {

    private static long[] floats(float... v) {
        long[] bits = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }

    @Test
    void ranksProblemsBySeverity(@TempDir Path dir) throws Exception {
        Path file = new SafetensorsFile()
                .addBits("healthy", "F32", 32, floats(0.1f, -0.2f, 0.05f, 1.5f))
                .addBits("zeroed", "F32", 32, floats(0f, -0f, 0f, 0f))
                .addBits("one_nan", "F32", 32, floats(0.1f, Float.NaN, 0.2f, 0.3f))
                .addBits("mostly_inf", "F32", 32, floats(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, 2f))
                .addBits("exploded", "F32", 32, floats(3e7f, 1f, -2f, 0.5f))
                .addBits("garbage", "F32", 32, floats(1e35f, 1f, -2f, 0.5f))
                .addBits("step", "F32", 32, floats(2e7f))
                // float16 32768 (0x7800) is past half of its 65504 limit
                .addBits("f16_near_limit", "F16", 16, 0x3C00, 0x7800)
                .addBits("token_ids", "I64", 64, 50_000_000L, 3L, 0L)
                .addBits("int_zeros", "I32", 32, 0, 0, 0)
                .write(dir.resolve("health.safetensors"));
        try (Checkpoint c = CheckpointOpener.open(file)) {
            StatsReport report = CheckpointStatistics.compute(c.tensors(), StatsOptions.DEFAULT, TaskMonitor.NONE);
            List<String> found = report.health().stream().map(p -> p.key() + " " + p.kind()).toList();
            assertEquals(List.of("mostly_inf NON_FINITE", "one_nan NON_FINITE", "f16_near_limit NEAR_OVERFLOW",
                    "garbage EXTREME_MAGNITUDE", "exploded EXTREME_MAGNITUDE", "zeroed ALL_ZERO"), found);
            HealthProblem inf = report.health().get(0);
            assertTrue(inf.problem().contains("0 NaN, 1 +Inf, 1 -Inf among 4 values (50.0%)"), inf.problem());
        }
    }
}
