package org.ckptinspector.trajectory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ckptinspector.diff.DeltaAccumulator;
import org.ckptinspector.diff.ValueChange;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.Progress;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/**
 * The one-pass sums of a tensor spread over several chunks, with a NaN and infinities in some chunks (and so the
 * pair-by-pair path there), against the definitions of docs/cli-contract.md summed in one plain loop per figure.
 */
class KeyTrackTest {
    private static final int STEPS = 5;
    private static final int N = 2 * KeyTrack.CHUNK + 1234;

    @Test
    void float32ChunksGiveTheFiguresOfTheDefinitions() throws IOException {
        check(DType.FLOAT32);
    }

    @Test
    void float64ChunksGiveTheFiguresOfTheDefinitions() throws IOException {
        check(DType.FLOAT64);
    }

    private static void check(DType dtype) throws IOException {
        double[][] x = run(dtype == DType.FLOAT32);
        TensorRef[] refs = new TensorRef[STEPS];
        Path[] files = new Path[STEPS];
        for (int i = 0; i < STEPS; i++) {
            refs[i] = tensor(dtype, x[i]);
            files[i] = Path.of("step_" + i + ".pt");
        }
        KeyTrack track = new KeyTrack("w", refs, files);
        KeyTrack.Scratch scratch = new KeyTrack.Scratch();
        for (var unit : track.units(new Progress(TaskMonitor.NONE, track.byteWork()))) {
            unit.run(scratch);
        }
        TensorTrajectory t = track.result(track.totals());
        Series s = t.series();
        for (int i = 0; i < STEPS; i++) {
            String at = dtype + " step " + i;
            assertClose(norm(x[i]), s.at(Metric.NORM, i), at + " norm");
            assertClose(relative(x[i], x[0]), s.at(Metric.REL_FIRST, i), at + " rel_first");
            assertClose(cosine(x[i], x[STEPS - 1]), s.at(Metric.COS_LAST, i), at + " cos_last");
            if (i == 0) {
                assertNull(s.at(Metric.REL_PREV, i));
                continue;
            }
            DeltaAccumulator diff = new DeltaAccumulator();
            diff.addReal(x[i], x[i - 1], N);
            ValueChange c = diff.result("w");
            assertClose(c.relL2(), s.at(Metric.REL_PREV, i), at + " rel_prev");
            assertClose(c.maxAbsDiff(), s.at(Metric.MAX_ABS_DIFF, i), at + " max_abs_diff");
            assertEquals((double) diff.changedValues() / N, s.at(Metric.CHANGED_FRACTION, i), at);
        }
        assertEquals(List.of(1L, 0L, 1L, 0L, 1L), t.nonfinite());
        assertEquals(0, t.firstNonfinite());
    }

    /** A drifting run; some values never change; NaN and ±Inf in chunks 0 to 2 of the first, a middle and the last step. */
    private static double[][] run(boolean float32) {
        Random r = new Random(17);
        double[][] x = new double[STEPS][N];
        for (int j = 0; j < N; j++) {
            x[0][j] = r.nextGaussian() * 0.02;
        }
        for (int i = 1; i < STEPS; i++) {
            for (int j = 0; j < N; j++) {
                x[i][j] = j % 7 == 0 ? x[i - 1][j] : x[i - 1][j] + r.nextGaussian() * 1e-3;
            }
        }
        if (float32) {
            for (double[] step : x) {
                for (int j = 0; j < N; j++) {
                    step[j] = (float) step[j];
                }
            }
        }
        x[0][2 * KeyTrack.CHUNK + 5] = Double.POSITIVE_INFINITY;
        x[2][KeyTrack.CHUNK + 3] = Double.NaN;
        x[STEPS - 1][100] = Double.NEGATIVE_INFINITY;
        return x;
    }

    private static TensorRef tensor(DType dtype, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (dtype == DType.FLOAT32) {
                b.putFloat((float) v);
            } else {
                b.putDouble(v);
            }
        }
        Storage storage = new Storage("0", dtype, b.capacity(), "cpu", ByteRegion.of(b.array()), false);
        return TensorRef.strided(dtype, new long[] {values.length}, new long[] {1}, 0, storage)
                .withLocation("w", List.of("w"));
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += Double.isFinite(v) ? v * v : 0;
        }
        return Math.sqrt(s);
    }

    private static Double relative(double[] a, double[] ref) {
        double d = 0;
        double r = 0;
        for (int j = 0; j < N; j++) {
            if (Double.isFinite(a[j]) && Double.isFinite(ref[j])) {
                d += (a[j] - ref[j]) * (a[j] - ref[j]);
                r += ref[j] * ref[j];
            }
        }
        return Math.sqrt(d) / Math.sqrt(r);
    }

    private static Double cosine(double[] a, double[] ref) {
        double dot = 0;
        double aa = 0;
        double rr = 0;
        for (int j = 0; j < N; j++) {
            if (Double.isFinite(a[j]) && Double.isFinite(ref[j])) {
                dot += a[j] * ref[j];
                aa += a[j] * a[j];
                rr += ref[j] * ref[j];
            }
        }
        return dot / (Math.sqrt(aa) * Math.sqrt(rr));
    }

    private static void assertClose(Double expected, Double actual, String what) {
        assertTrue(expected != null && actual != null, what + ": " + expected + " vs " + actual);
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual);
    }
}
