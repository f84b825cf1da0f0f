package org.ckptinspector.stats;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.values.TensorBytes;
import org.ckptinspector.values.ValueView;

/**
 * float32 statistics at memory speed, straight from the raw bits, without decoding into doubles.
 *
 * <p>Pass one counts every value by its top 16 bits (sign, exponent and 7 mantissa bits: 65 536 buckets, each a
 * contiguous interval of values) and sums the values and their squares shifted by a value of the same chunk
 * (which keeps the one-pass sums as accurate as a two-pass algorithm: the shift is within a few standard
 * deviations of the mean). It also keeps the exact min and max. The buckets then tell nearly everything: the
 * NaN-only and subnormal-only buckets, and which bin each bucket falls in. Only a bucket that straddles a bin
 * edge, or that mixes zeros with subnormals or Inf with NaN, needs its values looked at again: pass two reads the
 * data once more but touches just those few values, one table lookup per value. Quantiles come from the
 * buckets, within 2⁻⁸ of the value.
 */
final class Float32Sweep {
    private static final int BUCKETS = 1 << 16;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final int POS_INF_BUCKET = 0x7F80;
    private static final int NEG_INF_BUCKET = 0xFF80;
    private static final int NEG_ZERO_BUCKET = 0x8000;

    private Float32Sweep() {}

    /** True for strided float32 tensors with linear bins (the negative bit is resolved by TensorBytes). */
    static boolean applies(TensorRef t, StatsOptions options) {
        return t.dtype() == DType.FLOAT32 && t.layout() == Layout.STRIDED
                && options.scale() == HistogramScale.LINEAR && options.view() != ValueView.IMAG;
    }

    static Findings run(TensorRef t, StatsOptions options, Progress progress) throws IOException {
        List<long[]> ranges = Ranges.of(t.numel());
        List<ParallelUnits.Task<Buckets>> first = new ArrayList<>();
        for (long[] r : ranges) {
            first.add(() -> {
                Buckets b = new Buckets();
                stream(t, r, progress, b::add);
                return b;
            });
        }
        Buckets all = new Buckets();
        long[] counts = new long[BUCKETS];
        for (Buckets b : ParallelUnits.map(first, options.threads(), progress.cancelOnly())) {
            all.merge(b, counts);
        }
        Extent e = new Extent();
        Moments m = all.moments;
        e.finite = m.n;
        e.min = all.lo;
        e.max = all.hi;
        for (int b = 0; b < BUCKETS; b++) {
            if (isNaNOnly(b)) {
                e.nan += counts[b];
            } else if (isSubnormalOnly(b)) {
                e.subnormals += counts[b];
            }
        }
        if (m.n == 0) {
            Resolved r = resolve(t, ranges, options.threads(), progress, counts, null);
            r.into(e);
            return Findings.countsOnly(e);
        }
        BinLayout layout = new BinLayout(e, options, DType.FLOAT32);
        Resolved r = resolve(t, ranges, options.threads(), progress, counts, layout);
        r.into(e);
        return new Findings(e, m.n, m.mean, m.m2, 1.0, histogram(layout, counts, r),
                quantiles(counts, m.n, e.min, e.max), null);
    }

    /** Pass two: the values of the buckets that counting alone cannot place, resolved one by one. */
    private static Resolved resolve(TensorRef t, List<long[]> ranges, int threads, Progress progress, long[] counts,
            BinLayout layout) throws IOException {
        boolean[] interesting = new boolean[BUCKETS];
        for (int b : new int[] {0, NEG_ZERO_BUCKET, POS_INF_BUCKET, NEG_INF_BUCKET}) {
            interesting[b] = counts[b] > 0;
        }
        if (layout != null) {
            for (int b = 0; b < BUCKETS; b++) {
                if (counts[b] > 0 && isFinite(b) && bin(layout, low(b)) != bin(layout, high(b))) {
                    interesting[b] = true;
                }
            }
        }
        List<ParallelUnits.Task<Resolved>> tasks = new ArrayList<>();
        for (long[] r : ranges) {
            tasks.add(() -> {
                Resolved res = new Resolved(layout == null ? 0 : layout.bins);
                stream(t, r, progress, chunk -> res.add(chunk, interesting, layout));
                return res;
            });
        }
        Resolved total = new Resolved(layout == null ? 0 : layout.bins);
        for (Resolved part : ParallelUnits.map(tasks, threads, progress.cancelOnly())) {
            total.merge(part);
        }
        total.interesting = interesting;
        return total;
    }

    private static void stream(TensorRef t, long[] range, Progress progress, ChunkWork work) throws IOException {
        TensorBytes.stream(t, range[0], range[1], CHUNK_BYTES, chunk -> {
            progress.checkCancelled();
            IntBuffer bits = chunk.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            work.accept(bits);
            progress.add(4L * bits.remaining());
        });
    }

    /** What a pass does with each chunk of raw float32 bits. */
    @FunctionalInterface
    private interface ChunkWork {
        void accept(IntBuffer bits);
    }

    private static Histogram histogram(BinLayout layout, long[] counts, Resolved r) {
        long[] bins = r.bins.clone();
        for (int b = 0; b < BUCKETS; b++) {
            if (counts[b] > 0 && isFinite(b) && !r.interesting[b]) {
                bins[bin(layout, low(b))] += counts[b];
            }
        }
        double[] edges = new double[layout.bins + 1];
        for (int i = 0; i <= layout.bins; i++) {
            edges[i] = layout.linearEdge(i);
        }
        return new Histogram(HistogramScale.LINEAR, edges, bins);
    }

    /** Percentiles from the buckets in value order, spreading each bucket's values over its interval. */
    private static Quantiles quantiles(long[] counts, long n, double min, double max) {
        return QuantileMath.interpolate(rank -> nth(counts, rank, min, max), n, min, max, false);
    }

    private static double nth(long[] counts, long rank, double min, double max) {
        long seen = 0;
        for (int k = 0; k < BUCKETS; k++) {
            // Value order: negative buckets from the largest magnitude down, then positive ones upwards.
            int b = k < 0x8000 ? 0xFFFF - k : k - 0x8000;
            long c = isFinite(b) ? counts[b] : 0;
            if (rank < seen + c) {
                double from = Math.max(min, low(b));
                double to = Math.min(max, high(b));
                return from + (rank - seen + 0.5) / c * (to - from);
            }
            seen += c;
        }
        return max;
    }

    private static int bin(BinLayout layout, double x) {
        return layout.fineBin(x * layout.scale) / layout.perBin;
    }

    private static boolean isFinite(int bucket) {
        return (bucket & 0x7F80) != 0x7F80;
    }

    private static boolean isNaNOnly(int bucket) {
        return (bucket & 0x7F80) == 0x7F80 && (bucket & 0x7F) != 0;
    }

    private static boolean isSubnormalOnly(int bucket) {
        return (bucket & 0x7F80) == 0 && (bucket & 0x7F) != 0;
    }

    /** Smallest value of a bucket. */
    private static double low(int bucket) {
        int base = bucket << 16;
        return Float.intBitsToFloat(base < 0 ? base | 0xFFFF : base);
    }

    /** Largest value of a bucket. */
    private static double high(int bucket) {
        int base = bucket << 16;
        return Float.intBitsToFloat(base < 0 ? base : base | 0xFFFF);
    }

    /** Pass one over a range: bucket counts, exact min and max, and moments merged chunk by chunk. */
    private static final class Buckets {
        final int[] counts = new int[BUCKETS];
        final Moments moments = new Moments();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;

        void add(IntBuffer bits) {
            int k = bits.remaining();
            float shift = firstFinite(bits);
            int[] c = counts;
            double s0 = 0;
            double s1 = 0;
            double q0 = 0;
            double q1 = 0;
            float l = Float.POSITIVE_INFINITY;
            float h = Float.NEGATIVE_INFINITY;
            int i = 0;
            for (; i + 2 <= k; i += 2) {
                int b0 = bits.get(i);
                int b1 = bits.get(i + 1);
                c[b0 >>> 16]++;
                c[b1 >>> 16]++;
                float x0 = Float.intBitsToFloat(b0);
                float x1 = Float.intBitsToFloat(b1);
                double d0 = (double) x0 - shift;
                double d1 = (double) x1 - shift;
                s0 += d0;
                s1 += d1;
                q0 += d0 * d0;
                q1 += d1 * d1;
                if (x0 < l) {
                    l = x0;
                }
                if (x0 > h) {
                    h = x0;
                }
                if (x1 < l) {
                    l = x1;
                }
                if (x1 > h) {
                    h = x1;
                }
            }
            for (; i < k; i++) {
                int b = bits.get(i);
                c[b >>> 16]++;
                float x = Float.intBitsToFloat(b);
                double d = (double) x - shift;
                s0 += d;
                q0 += d * d;
                l = Math.min(l, x);
                h = Math.max(h, x);
            }
            double s = s0 + s1;
            double q = q0 + q1;
            long finite = k;
            if (!(Double.isFinite(s) && Double.isFinite(q))) {
                // NaN or Inf in this chunk: sum again over the finite values only (the buckets are counted).
                s = 0;
                q = 0;
                finite = 0;
                l = Float.POSITIVE_INFINITY;
                h = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    float x = Float.intBitsToFloat(bits.get(j));
                    if (x - x == 0) {
                        double d = (double) x - shift;
                        s += d;
                        q += d * d;
                        finite++;
                        l = Math.min(l, x);
                        h = Math.max(h, x);
                    }
                }
            }
            if (finite == 0) {
                return;
            }
            lo = Math.min(lo, l);
            hi = Math.max(hi, h);
            double chunkMean = shift + s / finite;
            moments.combine(finite, chunkMean, Math.max(0, q - s * s / finite));
        }

        private static float firstFinite(IntBuffer bits) {
            for (int j = 0; j < bits.remaining(); j++) {
                float x = Float.intBitsToFloat(bits.get(j));
                if (x - x == 0) {
                    return x;
                }
            }
            return 0;
        }

        void merge(Buckets o, long[] total) {
            for (int b = 0; b < BUCKETS; b++) {
                total[b] += o.counts[b];
            }
            lo = Math.min(lo, o.lo);
            hi = Math.max(hi, o.hi);
            moments.combine(o.moments);
        }
    }

    /** Pass two over a range: the values of interesting buckets, binned and classified exactly. */
    private static final class Resolved {
        final long[] bins;
        long zeros;
        long negativeZeros;
        long subnormals;
        long nan;
        long posInf;
        long negInf;
        boolean[] interesting;

        Resolved(int bins) {
            this.bins = new long[bins];
        }

        void add(IntBuffer bits, boolean[] interesting, BinLayout layout) {
            int k = bits.remaining();
            for (int i = 0; i < k; i++) {
                int b = bits.get(i);
                if (interesting[b >>> 16]) {
                    place(b, layout);
                }
            }
        }

        private void place(int bits, BinLayout layout) {
            float x = Float.intBitsToFloat(bits);
            if (x != x) {
                nan++;
                return;
            }
            if (Float.isInfinite(x)) {
                if (x > 0) {
                    posInf++;
                } else {
                    negInf++;
                }
                return;
            }
            if (x == 0) {
                zeros++;
                negativeZeros += bits < 0 ? 1 : 0;
            } else if ((bits & 0x7F80_0000) == 0 && (bits >>> 16 & 0x7FFF) == 0) {
                subnormals++;
            }
            if (layout != null) {
                bins[bin(layout, x)]++;
            }
        }

        void merge(Resolved o) {
            for (int i = 0; i < bins.length; i++) {
                bins[i] += o.bins[i];
            }
            zeros += o.zeros;
            negativeZeros += o.negativeZeros;
            subnormals += o.subnormals;
            nan += o.nan;
            posInf += o.posInf;
            negInf += o.negInf;
        }

        void into(Extent e) {
            e.zeros = zeros;
            e.negativeZeros = negativeZeros;
            e.subnormals += subnormals;
            e.nan += nan;
            e.posInf = posInf;
            e.negInf = negInf;
        }
    }
}
