package org.ckptinspector.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/** The comparison machinery: splitting into units, threads, progress, cancellation and read errors. */
class CheckpointDiffTest {
    /** Units of a few elements, so that every tensor of the values pair is split across threads. */
    private static final Granularity TINY = new Granularity(64, 16, 7);

    private static DiffResult diff(String name, DiffOptions options, TaskMonitor monitor, Granularity g)
            throws IOException {
        DiffExpectations.Pair p = DiffExpectations.pair(name);
        try (Checkpoint a = CheckpointOpener.open(p.a()); Checkpoint b = CheckpointOpener.open(p.b())) {
            return CheckpointDiff.compare(a, b, options, monitor, g);
        }
    }

    @Test
    void splittingIntoManyUnitsOnManyThreadsGivesTheSameResult() throws IOException {
        DiffResult whole = diff("values", DiffOptions.defaults().withThreads(1), TaskMonitor.NONE,
                Granularity.DEFAULT);
        DiffResult split = diff("values", DiffOptions.defaults().withThreads(4), TaskMonitor.NONE, TINY);
        assertEquals(whole.identical(), split.identical());
        assertEquals(whole.changed().size(), split.changed().size());
        for (int i = 0; i < whole.changed().size(); i++) {
            ValueChange w = whole.changed().get(i);
            ValueChange s = split.changed().get(i);
            assertEquals(w.key(), s.key());
            assertEquals(w.maxAbsDiff(), s.maxAbsDiff(), w.key());
            assertEquals(w.finitePairs(), s.finitePairs(), w.key());
            assertEquals(w.nonfiniteMismatches(), s.nonfiniteMismatches(), w.key());
            assertClose(w.meanAbsDiff(), s.meanAbsDiff());
            assertClose(w.relL2(), s.relL2());
            assertClose(w.cosine(), s.cosine());
        }
        assertTrue(whole.identical().contains("layer1.bias"));
    }

    private static void assertClose(Double expected, Double actual) {
        if (expected == null) {
            assertEquals(null, actual);
        } else {
            assertEquals(expected, actual, 1e-12 * Math.abs(expected));
        }
    }

    @Test
    void progressReachesTheTotalOfEachPhase() throws IOException {
        Map<String, long[]> last = new ConcurrentHashMap<>();
        TaskMonitor monitor = new TaskMonitor() {
            @Override
            public synchronized void progress(long done, long total, String message) {
                long[] prev = last.get(message);
                assertTrue(prev == null || done >= prev[0], "progress went backwards");
                last.put(message, new long[] {done, total});
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        diff("values", DiffOptions.defaults().withThreads(2), monitor, TINY);
        assertEquals(List.of("comparing bytes", "computing differences", "estimating update ranks"),
                last.keySet().stream().sorted().toList());
        last.values().forEach(v -> assertEquals(v[1], v[0]));
    }

    @Test
    void cancellingStopsTheWork() {
        AtomicInteger calls = new AtomicInteger();
        TaskMonitor monitor = new TaskMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                calls.incrementAndGet();
            }

            @Override
            public boolean isCancelled() {
                return calls.get() >= 3;
            }
        };
        assertThrows(CancelledException.class,
                () -> diff("values", DiffOptions.defaults().withThreads(2), monitor, TINY));
        assertTrue(calls.get() < 50, "stopped after " + calls.get() + " progress reports");
    }

    @Test
    void aReadErrorNamesTheFileAndTensor() {
        ByteRegion failing = new ByteRegion() {
            @Override
            public long length() {
                return 16;
            }

            @Override
            public ByteBuffer slice(long position, int length) throws IOException {
                throw new IOException("Input/output error");
            }
        };
        Checkpoint a = checkpoint("a.safetensors", ByteRegion.of(new byte[16]));
        Checkpoint b = checkpoint("b.safetensors", failing);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE));
        assertEquals("b.safetensors: cannot read tensor w: Input/output error", e.getMessage());
    }

    private static Checkpoint checkpoint(String file, ByteRegion bytes) {
        Storage s = new Storage("w", DType.FLOAT32, 16, "", bytes, false);
        TensorRef t = TensorRef.strided(DType.FLOAT32, new long[] {4}, new long[] {1}, 0, s)
                .withLocation("w", List.of("w"));
        return new Checkpoint(Path.of(file), Format.SAFETENSORS, new PyValue.Dict(), List.of(t), List.of(),
                List.of(), new PyValue.Dict(), List.of());
    }
}
