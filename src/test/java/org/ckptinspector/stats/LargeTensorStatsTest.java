package org.ckptinspector.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ckptinspector.ProgressRecorder;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensors of millions of values, written by real torch, are split over several workers; the merged statistics
 * and histograms still agree with torch and numpy on the whole tensor. Tolerances as in {@link StatsManifestTest}.
 */
class LargeTensorStatsTest {
    private static final String PYTHON = System.getenv().getOrDefault("TORCH213_PYTHON", "/opt/torch213/bin/python");
    private static final int BINS = 50;

    @TempDir
    static Path dir;
    static Path file;
    static JsonNode torch;

    @BeforeAll
    static void writeWithTorch() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "torch 2.13 is not installed here");
        python("src/test/resources/stats/make_large.py", dir.toString());
        file = dir.resolve("large.safetensors");
        torch = new ObjectMapper().readTree(python("src/test/resources/stats/torch_contract_stats.py",
                file.toString(), String.valueOf(BINS)));
    }

    private static byte[] python(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = PYTHON;
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd));
        return out;
    }

    @Test
    void mergedStatisticsEqualTorchOnTheWholeTensor() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            StatsReport report = CheckpointStatistics.compute(c.tensors(), StatsOptions.DEFAULT.withBins(BINS),
                    TaskMonitor.NONE);
            assertEquals(torch.size(), report.tensors().size());
            for (TensorStats s : report.tensors()) {
                JsonNode want = torch.get(s.key());
                String what = s.key();
                assertEquals(want.get("count").asLong(), s.count(), "count of " + what);
                assertEquals(want.get("nan").asLong(), s.nan(), "nan of " + what);
                assertEquals(want.get("posinf").asLong(), s.posInf(), "+inf of " + what);
                assertEquals(want.get("neginf").asLong(), s.negInf(), "-inf of " + what);
                assertEquals(want.get("zeros").asLong(), s.zeros(), "zeros of " + what);
                assertEquals(want.get("subnormals").asLong(), s.subnormals(), "subnormals of " + what);
                double rounding = what.equals("c64") ? 0x1p-24 : 0;
                assertEquals(want.get("min").asDouble(), s.min(), rounding * Math.abs(s.min()), "min of " + what);
                assertEquals(want.get("max").asDouble(), s.max(), rounding * Math.abs(s.max()), "max of " + what);
                StatsManifestTest.assertClose(want.get("mean").asDouble(), s.mean(), s.maxAbs(), "mean of " + what);
                StatsManifestTest.assertClose(want.get("std").asDouble(), s.std(), s.maxAbs(), "std of " + what);
                StatsManifestTest.assertClose(want.get("l2").asDouble(), s.l2(), s.maxAbs(), "l2 of " + what);
                assertHistogramClose(want.get("histogram"), s, what);
            }
        }
    }

    @Test
    void fewerThreadsGiveTheSameStatisticsAndOneThreadIsTheCallers() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        TaskMonitor watch = new TaskMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                threads.add(Thread.currentThread().getName());
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        StatsOptions all = StatsOptions.DEFAULT.withBins(BINS).withThreads(4);
        try (Checkpoint c = CheckpointOpener.open(file)) {
            for (TensorRef t : c.tensors()) {
                TensorStats many = TensorStatistics.compute(t, all, TaskMonitor.NONE);
                TensorStats one = TensorStatistics.compute(t, all.withThreads(1), watch);
                assertEquals(withoutArrays(many), withoutArrays(one), t.key());
                assertArrayEquals(many.histogram().counts(), one.histogram().counts(), t.key());
                assertArrayEquals(many.histogram().edges(), one.histogram().edges(), t.key());
            }
        }
        assertEquals(Set.of(Thread.currentThread().getName()), threads);
    }

    private static TensorStats withoutArrays(TensorStats s) {
        return new TensorStats(s.key(), s.dtype(), s.view(), s.count(), s.finite(), s.nan(), s.posInf(), s.negInf(),
                s.zeros(), s.negativeZeros(), s.subnormals(), s.min(), s.max(), s.mean(), s.std(), s.populationStd(),
                s.l2(), null, s.quantiles(), null, s.note());
    }

    /**
     * Bin by bin equal to numpy's histogram, except that values within rounding of an edge may land on either
     * side: complex magnitudes differ from torch's float32 ones in the last bit, and the two programs compute
     * edges differently. At most 1e-5 of the values may move, and only to a neighbouring bin.
     */
    private static void assertHistogramClose(JsonNode numpy, TensorStats s, String what) {
        long[] ours = s.histogram().counts();
        assertEquals(numpy.size(), ours.length, "bins of " + what);
        long moved = 0;
        long carry = 0;
        for (int i = 0; i < ours.length; i++) {
            carry += ours[i] - numpy.get(i).asLong();
            moved += Math.abs(carry);
        }
        assertEquals(0, carry, "histogram total of " + what);
        assertTrue(moved <= Math.max(1, s.finite() / 100_000), "values moved between bins of " + what + ": " + moved);
    }

    @Test
    void logHistogramsEqualNumpyOverLogMagnitudes() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            StatsOptions log = StatsOptions.DEFAULT.withBins(BINS).withScale(HistogramScale.LOG_ABS);
            for (TensorStats s : CheckpointStatistics.compute(c.tensors(), log, TaskMonitor.NONE).tensors()) {
                assertEquals(HistogramScale.LOG_ABS, s.histogram().scale());
                assertEquals(s.finite() - s.zeros(), s.histogram().total(), "log histogram total of " + s.key());
                assertHistogramClose(torch.get(s.key()).get("log_histogram"), s, s.key());
            }
        }
    }

    @Test
    void sparseTensorsTooLargeToDensifyAreItsValuesPlusZeros() throws Exception {
        Path sparse = dir.resolve("large_sparse.pt");
        JsonNode want = new ObjectMapper().readTree(python("src/test/resources/stats/torch_contract_stats.py",
                sparse.toString())).get("big_sparse");
        try (Checkpoint c = CheckpointOpener.open(sparse)) {
            TensorRef t = c.tensor("big_sparse").orElseThrow();
            assertTrue(org.ckptinspector.values.ValueReader.unreadableReason(t).isPresent(), "too large to densify");
            TensorStats s = TensorStatistics.compute(t, StatsOptions.DEFAULT, TaskMonitor.NONE);
            assertEquals(36_000_000L, s.count());
            assertEquals(want.get("zeros").asLong(), s.zeros());
            assertEquals(want.get("min").asDouble(), s.min());
            assertEquals(want.get("max").asDouble(), s.max());
            StatsManifestTest.assertClose(want.get("mean").asDouble(), s.mean(), s.maxAbs(), "mean");
            StatsManifestTest.assertClose(want.get("std").asDouble(), s.std(), s.maxAbs(), "std");
            StatsManifestTest.assertClose(want.get("l2").asDouble(), s.l2(), s.maxAbs(), "l2");
            assertEquals(s.finite(), s.histogram().total());
        }
    }

    /** Dequantized values equal torch's dequantize() bit for bit, per tensor and per channel. */
    @Test
    void quantizedValuesEqualTorchDequantize() throws Exception {
        try (Checkpoint q = CheckpointOpener.open(dir.resolve("large_sparse.pt"));
                Checkpoint d = CheckpointOpener.open(dir.resolve("dequantized.safetensors"))) {
            for (TensorRef want : d.tensors()) {
                TensorRef t = q.tensor(want.key()).orElseThrow();
                double[] ours = org.ckptinspector.values.ValueReader.of(t).read(0, (int) t.numel());
                double[] torch = org.ckptinspector.values.ValueReader.of(want).read(0, (int) want.numel());
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(torch[i], ours[i], 0.0, want.key() + " value " + i);
                }
            }
        }
    }

    @Test
    void integerTensorsWithASmallRangeGetExactValueCounts() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            TensorStats s = TensorStatistics.compute(c.tensor("i32").orElseThrow(), StatsOptions.DEFAULT,
                    TaskMonitor.NONE);
            ValueCounts vc = s.valueCounts();
            assertEquals(250, vc.size());
            assertEquals(-50.0, vc.values()[0]);
            assertEquals(199.0, vc.values()[249]);
            assertEquals(s.count(), java.util.Arrays.stream(vc.counts()).sum());
            assertTrue(s.quantiles().exact());
        }
    }

    @Test
    void progressReachesTheTotalAndCancellingStops() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            List<TensorRef> tensors = c.tensors();
            ProgressRecorder progress = new ProgressRecorder();
            CheckpointStatistics.compute(tensors, StatsOptions.DEFAULT, progress);
            assertTrue(progress.mostDone() > 0 && progress.mostDone() <= progress.total(),
                    progress.mostDone() + " of " + progress.total());
            AtomicLong calls = new AtomicLong();
            assertThrows(CancelledException.class, () -> CheckpointStatistics.compute(tensors, StatsOptions.DEFAULT,
                    new TaskMonitor() {
                        @Override
                        public void progress(long done, long all, String message) {
                            calls.incrementAndGet();
                        }

                        @Override
                        public boolean isCancelled() {
                            return calls.get() > 2;
                        }
                    }));
        }
    }
}
