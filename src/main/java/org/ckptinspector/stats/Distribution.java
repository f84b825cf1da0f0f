package org.ckptinspector.stats;

/**
 * Second-pass summary of a run of finite values: count, mean and sum of squared deviations (in the layout's
 * scaled units) and the histogram bins. Each chunk is summed twice while it is in cache (its own mean, then
 * deviations from it), and chunks and parallel ranges are merged with Chan et al.'s pairwise update, so no
 * precision is lost to large means or long tensors.
 */
final class Distribution {
    private final BinLayout layout;
    long n;
    double mean;
    double m2;
    final long[] fine;
    final long[] log;
    final long[] exact;

    Distribution(BinLayout layout) {
        this.layout = layout;
        this.fine = new long[layout.fineBins];
        this.log = layout.logScale ? new long[layout.bins] : null;
        this.exact = layout.exactWidth > 0 ? new long[layout.exactWidth] : null;
    }

    /** Adds the finite ones of values[0, count). */
    void add(double[] values, int count) {
        double s = layout.scale;
        double sum = 0;
        int k = 0;
        for (int i = 0; i < count; i++) {
            double x = values[i];
            if (x - x == 0) {
                sum += x * s;
                k++;
            }
        }
        if (k == 0) {
            return;
        }
        double chunkMean = sum / k;
        double dev = 0;
        long[] bins = fine;
        for (int i = 0; i < count; i++) {
            double x = values[i];
            if (x - x == 0) {
                double xs = x * s;
                double d = xs - chunkMean;
                dev += d * d;
                bins[layout.fineBin(xs)]++;
            }
        }
        if (log != null || exact != null) {
            addSideBins(values, count);
        }
        combine(k, chunkMean, dev);
    }

    private void addSideBins(double[] values, int count) {
        for (int i = 0; i < count; i++) {
            double x = values[i];
            if (x - x == 0) {
                if (log != null && x != 0) {
                    log[layout.logBin(x)]++;
                }
                if (exact != null) {
                    exact[(int) ((long) x - layout.exactMin)]++;
                }
            }
        }
    }

    /** Adds {@code counts[i]} copies of each finite {@code values[i]}: exact statistics from a code table. */
    void addCounted(double[] values, long[] counts) {
        double s = layout.scale;
        long k = 0;
        double sum = 0;
        double compensation = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (counts[i] > 0 && x - x == 0) {
                k += counts[i];
                // Kahan: up to 2^17 terms of very different size.
                double y = x * s * counts[i] - compensation;
                double t = sum + y;
                compensation = (t - sum) - y;
                sum = t;
            }
        }
        if (k == 0) {
            return;
        }
        double m = sum / k;
        double dev = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            long c = counts[i];
            if (c > 0 && x - x == 0) {
                double d = x * s - m;
                dev += d * d * c;
                fine[layout.fineBin(x * s)] += c;
                if (log != null && x != 0) {
                    log[layout.logBin(x)] += c;
                }
                if (exact != null) {
                    exact[(int) ((long) x - layout.exactMin)] += c;
                }
            }
        }
        combine(k, m, dev);
    }

    /** Adds {@code count} copies of one finite value (the implicit zeros of a sparse tensor). */
    void addConstant(double x, long count) {
        if (count <= 0) {
            return;
        }
        double xs = x * layout.scale;
        fine[layout.fineBin(xs)] += count;
        if (log != null && x != 0) {
            log[layout.logBin(x)] += count;
        }
        if (exact != null) {
            exact[(int) ((long) x - layout.exactMin)] += count;
        }
        combine(count, xs, 0);
    }

    void merge(Distribution o) {
        for (int i = 0; i < fine.length; i++) {
            fine[i] += o.fine[i];
        }
        if (log != null) {
            for (int i = 0; i < log.length; i++) {
                log[i] += o.log[i];
            }
        }
        if (exact != null) {
            for (int i = 0; i < exact.length; i++) {
                exact[i] += o.exact[i];
            }
        }
        combine(o.n, o.mean, o.m2);
    }

    /** Chan, Golub and LeVeque's update for merging two (count, mean, M2) summaries. */
    private void combine(long nb, double meanB, double m2b) {
        if (nb == 0) {
            return;
        }
        if (n == 0) {
            n = nb;
            mean = meanB;
            m2 = m2b;
            return;
        }
        long total = n + nb;
        double delta = meanB - mean;
        double wb = (double) nb / total;
        mean += delta * wb;
        m2 += m2b + delta * delta * n * wb;
        n = total;
    }
}
