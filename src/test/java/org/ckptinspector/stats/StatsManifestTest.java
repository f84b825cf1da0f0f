package org.ckptinspector.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReaderTest;
import org.ckptinspector.values.ValueView;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every tensor of every fixture file that opens, our statistics equal the float64 statistics real torch and
 * numpy wrote into the manifest. Counts, min and max must be exact. Mean and std must agree to 1e-6 relative;
 * where the mean cancels to about zero, to 1e-12·max|x| absolute, because two correct double-precision sums of
 * the same values in different orders differ by rounding of order n·ε·max|x|. Complex tensors are compared in
 * the manifest's view_as_real domain (the {@link ValueView#REAL_IMAG} view).
 */
class StatsManifestTest {

    @TestFactory
    Stream<DynamicTest> statisticsMatchTheManifest() {
        return Fixtures.entries().stream()
                .filter(e -> !e.format().equals("shard_index"))
                .filter(ValueReaderTestAccess::opens)
                .map(e -> DynamicTest.dynamicTest(e.version() + "/" + e.name(), () -> check(e)));
    }

    private static void check(Fixtures.Entry e) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(e.path())) {
            for (JsonNode t : e.node().get("tensors")) {
                JsonNode expected = t.get("stats");
                TensorRef ref = ValueReaderTestAccess.find(c, t.get("path"));
                String what = e.name() + " " + t.get("path");
                ValueView view = ref.dtype().kind() == DType.Kind.COMPLEX ? ValueView.REAL_IMAG : ValueView.VALUE;
                TensorStats s = TensorStatistics.compute(ref, StatsOptions.DEFAULT.withView(view), TaskMonitor.NONE);
                if (expected == null || expected.isNull()) {
                    assertTrue(!s.isRead(), "no data expected for " + what);
                    continue;
                }
                assertTrue(s.isRead(), what + " not read: " + s.note());
                assertStats(expected, s, what);
            }
        }
    }

    static void assertStats(JsonNode expected, TensorStats s, String what) {
        assertEquals(expected.get("nan_count").asLong(), s.nan(), "NaN count of " + what);
        assertEquals(expected.get("posinf_count").asLong(), s.posInf(), "+Inf count of " + what);
        assertEquals(expected.get("neginf_count").asLong(), s.negInf(), "-Inf count of " + what);
        assertEquals(expected.get("finite_count").asLong(), s.finite(), "finite count of " + what);
        assertEquals(s.finite() + s.nonFinite(), s.count(), "count of " + what);
        if (expected.has("neg_zero_count")) {
            assertEquals(expected.get("neg_zero_count").asLong(), s.negativeZeros(), "-0.0 count of " + what);
        }
        if (expected.has("subnormal_count")) {
            assertEquals(expected.get("subnormal_count").asLong(), s.subnormals(), "subnormals of " + what);
        }
        if (s.finite() == 0) {
            assertTrue(Double.isNaN(s.min()) && Double.isNaN(s.mean()) && s.histogram() == null, "empty " + what);
            return;
        }
        assertTrue(expected.get("min").asDouble() == s.min(), "min of " + what + ": " + s.min());
        assertTrue(expected.get("max").asDouble() == s.max(), "max of " + what + ": " + s.max());
        double scale = s.maxAbs();
        assertClose(expected.get("mean").asDouble(), s.mean(), scale, "mean of " + what);
        assertClose(expected.get("std").asDouble(), s.populationStd(), scale, "population std of " + what);
        JsonNode std1 = expected.get("std_ddof1");
        if (std1 == null || std1.isNull()) {
            assertTrue(Double.isNaN(s.std()), "std of one value must not exist: " + what);
        } else {
            assertClose(std1.asDouble(), s.std(), scale, "std of " + what);
        }
        double l2 = Math.sqrt(s.finite()) * Math.hypot(s.populationStd(), s.mean());
        assertClose(l2, s.l2(), scale * Math.sqrt(s.finite()), "l2 of " + what);
        assertNotNull(s.histogram(), "histogram of " + what);
        assertEquals(s.finite(), s.histogram().total(), "histogram total of " + what);
        assertEquals(StatsOptions.DEFAULT_BINS, s.histogram().bins());
        assertTrue(s.min() == s.histogram().edges()[0] || s.min() == s.max(), "first edge of " + what);
        Quantiles q = s.quantiles();
        assertTrue(s.min() <= q.p1() && q.p1() <= q.p50() && q.p50() <= q.p99() && q.p99() <= s.max(),
                "quantiles of " + what + ": " + q);
    }

    static void assertClose(double expected, double actual, double scale, String what) {
        double tolerance = Math.max(1e-6 * Math.abs(expected), 1e-12 * scale);
        assertTrue(Math.abs(expected - actual) <= tolerance,
                what + ": expected " + expected + ", got " + actual + " (tolerance " + tolerance + ")");
    }

    /** The fixture helpers of the values tests. */
    static final class ValueReaderTestAccess {
        private ValueReaderTestAccess() {}

        static boolean opens(Fixtures.Entry e) {
            return ValueReaderTest.opens(e);
        }

        static TensorRef find(Checkpoint c, JsonNode path) {
            return ValueReaderTest.find(c, path);
        }
    }
}
