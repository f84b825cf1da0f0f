package org.ckptinspector.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Decoded values of every fixture tensor that opens agree with torch's manifest: counts, min and max. */
public class ValueReaderTest {

    @TestFactory
    Stream<DynamicTest> valuesMatchTheManifest() {
        return Fixtures.entries().stream()
                .filter(e -> !e.format().equals("shard_index"))
                .filter(ValueReaderTest::opens)
                .map(e -> DynamicTest.dynamicTest(e.version() + "/" + e.name(), () -> check(e)));
    }

    /**
     * Random access agrees with streaming for every readable fixture tensor and view: any range read with
     * {@link ValueReader#read} equals the same values of {@link ValueReader#forEach}, including ranges that
     * start inside a float4 byte or a complex pair, and REAL/IMAG interleave to REAL_IMAG.
     */
    @TestFactory
    Stream<DynamicTest> randomAccessAgreesWithStreaming() {
        return Fixtures.entries().stream()
                .filter(e -> !e.format().equals("shard_index"))
                .filter(ValueReaderTest::opens)
                .map(e -> DynamicTest.dynamicTest(e.version() + "/" + e.name(), () -> {
                    try (Checkpoint c = CheckpointOpener.open(e.path())) {
                        for (TensorRef t : c.tensors()) {
                            if (ValueReader.unreadableReason(t).isEmpty()) {
                                checkRandomAccess(t);
                            }
                        }
                    }
                }));
    }

    private static void checkRandomAccess(TensorRef t) throws Exception {
        for (ValueView view : ValueView.values()) {
            ValueReader r = ValueReader.of(t, view);
            double[] all = new double[(int) r.size()];
            r.forEach(TaskMonitor.NONE, (v, n, first) -> System.arraycopy(v, 0, all, (int) first, n));
            java.util.Random random = new java.util.Random(t.key().hashCode());
            for (int k = 0; k < 20 && all.length > 0; k++) {
                int first = random.nextInt(all.length);
                int count = random.nextInt(all.length - first + 1);
                double[] part = r.read(first, count);
                for (int i = 0; i < count; i++) {
                    assertEquals(Double.doubleToLongBits(all[first + i]), Double.doubleToLongBits(part[i]),
                            t.key() + " " + view + " value " + (first + i));
                }
            }
            assertEquals(Math.min(all.length, 7), r.head(7).length);
        }
        if (t.dtype().kind() == DType.Kind.COMPLEX) {
            int n = (int) t.numel();
            double[] re = ValueReader.of(t, ValueView.REAL).read(0, n);
            double[] im = ValueReader.of(t, ValueView.IMAG).read(0, n);
            double[] both = ValueReader.of(t, ValueView.REAL_IMAG).read(0, 2 * n);
            double[] mag = ValueReader.of(t).read(0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToLongBits(both[2 * i]), Double.doubleToLongBits(re[i]), t.key());
                assertEquals(Double.doubleToLongBits(both[2 * i + 1]), Double.doubleToLongBits(im[i]), t.key());
                double h = Math.hypot(re[i], im[i]);
                if (Double.isFinite(h)) {
                    assertEquals(h, mag[i], Math.ulp(h), t.key() + " |z|");
                } else {
                    assertEquals(Double.doubleToLongBits(h), Double.doubleToLongBits(mag[i]), t.key() + " |z|");
                }
            }
        }
    }

    public static boolean opens(Fixtures.Entry e) {
        try (Checkpoint c = CheckpointOpener.open(e.path())) {
            return true;
        } catch (Exception ex) {
            return false;
        }
    }

    private static void check(Fixtures.Entry e) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(e.path())) {
            for (JsonNode t : e.node().get("tensors")) {
                JsonNode stats = t.get("stats");
                TensorRef ref = find(c, t.get("path"));
                if (stats == null || stats.isNull() || ValueReader.unreadableReason(ref).isPresent()) {
                    continue;
                }
                ValueView view = ref.dtype().kind() == DType.Kind.COMPLEX ? ValueView.REAL_IMAG : ValueView.VALUE;
                ValueReader r = ValueReader.of(ref, view);
                long[] counts = new long[4];
                double[] minMax = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                List<Long> order = new ArrayList<>();
                r.forEach(TaskMonitor.NONE, (v, n, first) -> {
                    order.add(first);
                    for (int i = 0; i < n; i++) {
                        double x = v[i];
                        if (Double.isNaN(x)) {
                            counts[0]++;
                        } else if (x == Double.POSITIVE_INFINITY) {
                            counts[1]++;
                        } else if (x == Double.NEGATIVE_INFINITY) {
                            counts[2]++;
                        } else {
                            counts[3]++;
                            minMax[0] = Math.min(minMax[0], x);
                            minMax[1] = Math.max(minMax[1], x);
                        }
                    }
                });
                String what = e.name() + " " + t.get("path");
                assertEquals(stats.get("nan_count").asLong(), counts[0], "NaN of " + what);
                assertEquals(stats.get("posinf_count").asLong(), counts[1], "+Inf of " + what);
                assertEquals(stats.get("neginf_count").asLong(), counts[2], "-Inf of " + what);
                assertEquals(stats.get("finite_count").asLong(), counts[3], "finite of " + what);
                if (counts[3] > 0) {
                    assertTrue(stats.get("min").asDouble() == minMax[0], "min of " + what + ": " + minMax[0]);
                    assertTrue(stats.get("max").asDouble() == minMax[1], "max of " + what + ": " + minMax[1]);
                }
            }
        }
    }

    public static TensorRef find(Checkpoint c, JsonNode path) {
        String p = Fixtures.pathOf(path);
        return c.tensors().stream().filter(x -> x.path().toString().equals(p)).findFirst().orElseThrow();
    }

}
