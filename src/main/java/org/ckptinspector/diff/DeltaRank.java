package org.ckptinspector.diff;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ckptinspector.model.DType;
import org.ckptinspector.task.Progress;

/**
 * The numerical rank of ΔW = A − B, a tensor viewed as the matrix (shape[0], numel / shape[0]), by randomized
 * subspace iteration: a Gaussian sketch of k columns, one power iteration, then the exact singular values of the
 * k-dimensional projection (one-sided Jacobi). ΔW is streamed from the files four times and never held; memory is
 * (m + n)·k doubles and time m·n·k, both bounded per matrix and over a whole diff, so larger matrices, and those
 * past the diff's budget, get no rank and a reason. A singular value counts when it exceeds both
 * {@value #RTOL}·σ₁ and the rounding floor ε_A‖A‖_F + ε_B‖B‖_F (ε of each dtype), which a merged low-rank update
 * stored in float32 stays above and its rounding noise stays below.
 */
final class DeltaRank {
    /** Relative tolerance against the largest singular value. */
    static final double RTOL = 1e-6;
    static final long MAX_ELEMENTS = 1L << 24;
    /** Multiply-adds all estimates of one diff may take, in key order: about a second of CPU. */
    static final long DIFF_BUDGET = 1L << 31;
    /** m·n·k per pass. */
    static final long MAX_WORK = 1L << 29;
    /** (m + n)·k doubles of one sketch (held twice while its columns are orthonormalized). */
    static final long MAX_SKETCH_DOUBLES = 1L << 20;
    static final int MAX_COLUMNS = 72;
    static final int MIN_COLUMNS = 16;
    static final int OVERSAMPLE = 8;

    /** A rank, or null and why not. */
    record Estimate(Integer rank, String reason) {
        static Estimate none(String reason) {
            return new Estimate(null, reason);
        }
    }

    /** Reads elements [first, first + n) of A and B as doubles. */
    @FunctionalInterface
    interface Source {
        void read(long first, double[] a, double[] b, int n) throws IOException;
    }

    private final long m;
    private final int n;
    private final int k;
    private final Source source;
    private final Progress progress;
    private final long bytesPerPass;
    private double squaresA;
    private double squaresB;
    private boolean nonfinite;

    private DeltaRank(long m, int n, int k, Source source, Progress progress, long bytesPerPass) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.source = source;
        this.progress = progress;
        this.bytesPerPass = bytesPerPass;
    }

    /** Why a tensor of this shape gets no rank, or null when it gets one. */
    static String refusal(long[] shape) {
        if (shape.length < 2) {
            return "not a matrix (" + shape.length + "-D)";
        }
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        long rows = shape[0];
        long cols = rows == 0 ? 0 : numel / rows;
        if (rows < 2 || cols < 2) {
            return "not a matrix (" + rows + " × " + cols + ")";
        }
        if (numel > MAX_ELEMENTS) {
            return "too large: " + rows + " × " + cols + " exceeds the " + MAX_ELEMENTS + " elements the rank is "
                    + "estimated for";
        }
        if (columns(rows, cols) < Math.min(MIN_COLUMNS, Math.min(rows, cols))) {
            return "too large: " + rows + " × " + cols + " leaves too small a sketch within the time bound";
        }
        return null;
    }

    private static int columns(long rows, long cols) {
        long k = Math.min(Math.min(rows, cols), MAX_COLUMNS);
        k = Math.min(k, MAX_WORK / (rows * cols));
        k = Math.min(k, MAX_SKETCH_DOUBLES / (rows + cols));
        return (int) k;
    }

    /** Estimates the rank of ΔW; call only when {@link #refusal} is null. */
    static Estimate estimate(long[] shape, DType a, DType b, Source source, long seed,
            Progress progress) throws IOException {
        long rows = shape[0];
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        int cols = (int) (numel / rows);
        long bytes = numel * ((long) a.itemSize() + b.itemSize());
        return new DeltaRank(rows, cols, columns(rows, cols), source, progress, bytes).run(seed, eps(a), eps(b));
    }

    /** Multiply-adds of one estimate: four passes of m·n·k; call only when {@link #refusal} is null. */
    static long multiplyAdds(long[] shape) {
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        return 4 * numel * columns(shape[0], numel / shape[0]);
    }

    /** Work in bytes read for one estimate, for progress. */
    static long byteWork(long numel, DType a, DType b) {
        return 4 * numel * ((long) a.itemSize() + b.itemSize());
    }

    private Estimate run(long seed, double epsA, double epsB) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        double[] omega = new double[n * k];
        for (int j = 0; j < omega.length; j++) {
            omega[j] = gaussian(random);
        }
        double[] y = times(omega, true);
        if (nonfinite) {
            progress.add(3 * bytesPerPass); // the passes left out
            return Estimate.none("ΔW holds NaN or Inf");
        }
        orthonormalize(y, k);
        double[] z = transposedTimes(y);
        orthonormalize(z, k);
        y = times(z, false);
        orthonormalize(y, k);
        double[] sigma = singularValues(columns(transposedTimes(y), k));
        double floor = epsA * Math.sqrt(squaresA) + epsB * Math.sqrt(squaresB);
        double tol = Math.max(RTOL * sigma[0], floor);
        int rank = 0;
        for (double s : sigma) {
            if (s > tol) {
                rank++;
            }
        }
        if (k < Math.min(m, n) && rank > k - OVERSAMPLE) {
            return Estimate.none("rank above " + (k - OVERSAMPLE) + ", more than a sketch of " + k
                    + " columns resolves");
        }
        return new Estimate(rank, null);
    }

    /**
     * ΔW · R for R (n × k, row-major); the result m × k, row-major. Rows of the result are updated as
     * {@code y[row] += d[j] · r[j]}, runs of k that the JIT vectorizes, rather than as dot products.
     */
    private double[] times(double[] r, boolean first) throws IOException {
        double[] out = new double[(int) m * k];
        stream(first, (row, col, d, off, len) -> {
            int base = (int) row * k;
            for (int x = 0; x < len; x++) {
                double w = d[off + x];
                int rj = (col + x) * k;
                for (int c = 0; c < k; c++) {
                    out[base + c] += w * r[rj + c];
                }
            }
        });
        return out;
    }

    /** ΔWᵀ · L for L (m × k, row-major); the result n × k, row-major: {@code z[j] += d[j] · l[row]}. */
    private double[] transposedTimes(double[] l) throws IOException {
        double[] out = new double[n * k];
        stream(false, (row, col, d, off, len) -> {
            int base = (int) row * k;
            for (int x = 0; x < len; x++) {
                double w = d[off + x];
                int zj = (col + x) * k;
                for (int c = 0; c < k; c++) {
                    out[zj + c] += w * l[base + c];
                }
            }
        });
        return out;
    }

    /** The k columns of a row-major matrix as arrays. */
    private static double[][] columns(double[] rowMajor, int k) {
        int rows = rowMajor.length / k;
        double[][] cols = new double[k][rows];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < k; c++) {
                cols[c][i] = rowMajor[i * k + c];
            }
        }
        return cols;
    }

    /** Orthonormalizes the columns of a row-major matrix in place (see {@link #orthonormalize(double[][])}). */
    private static void orthonormalize(double[] rowMajor, int k) {
        double[][] cols = columns(rowMajor, k);
        orthonormalize(cols);
        int rows = rowMajor.length / k;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < k; c++) {
                rowMajor[i * k + c] = cols[c][i];
            }
        }
    }

    /** A run of one row of ΔW: columns [col, col + len) are d[off, off + len). */
    @FunctionalInterface
    private interface Segment {
        void apply(long row, int col, double[] d, int off, int len);
    }

    private void stream(boolean first, Segment segment) throws IOException {
        long total = m * n;
        double[] a = new double[ThreadBuffers.VALUE_CHUNK];
        double[] b = new double[ThreadBuffers.VALUE_CHUNK];
        for (long e = 0; e < total; ) {
            int len = (int) Math.min(a.length, total - e);
            source.read(e, a, b, len);
            for (int t = 0; t < len; t++) {
                if (first) {
                    squaresA += a[t] * a[t];
                    squaresB += b[t] * b[t];
                }
                a[t] -= b[t];
                if (!Double.isFinite(a[t])) {
                    nonfinite = true;
                    a[t] = 0;
                }
            }
            for (int t = 0; t < len; ) {
                long at = e + t;
                long row = at / n;
                int col = (int) (at % n);
                int seg = Math.min(len - t, n - col);
                segment.apply(row, col, a, t, seg);
                t += seg;
            }
            progress.add(bytesPerPass * (e + len) / total - bytesPerPass * e / total);
            e += len;
        }
    }

    /** Gram–Schmidt twice over the columns; a column in the span of the earlier ones becomes zero. */
    static void orthonormalize(double[][] cols) {
        for (int c = 0; c < cols.length; c++) {
            double[] v = cols[c];
            double before = norm(v);
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double proj = dot(cols[p], v);
                    double[] q = cols[p];
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= proj * q[i];
                    }
                }
            }
            double after = norm(v);
            if (after <= 1e-14 * before || after == 0) {
                Arrays.fill(v, 0);
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] /= after;
                }
            }
        }
    }

    /** Singular values of the matrix whose columns are given, largest first (one-sided Jacobi). */
    static double[] singularValues(double[][] cols) {
        int kk = cols.length;
        for (int sweep = 0; sweep < 60; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < kk - 1; p++) {
                for (int q = p + 1; q < kk; q++) {
                    double alpha = dot(cols[p], cols[p]);
                    double beta = dot(cols[q], cols[q]);
                    double gamma = dot(cols[p], cols[q]);
                    if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    double[] x = cols[p];
                    double[] y = cols[q];
                    for (int i = 0; i < x.length; i++) {
                        double xi = x[i];
                        double yi = y[i];
                        x[i] = c * xi - s * yi;
                        y[i] = s * xi + c * yi;
                    }
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] sigma = new double[kk];
        for (int c = 0; c < kk; c++) {
            sigma[c] = norm(cols[c]);
        }
        Arrays.sort(sigma);
        for (int i = 0; i < kk / 2; i++) {
            double t = sigma[i];
            sigma[i] = sigma[kk - 1 - i];
            sigma[kk - 1 - i] = t;
        }
        return sigma;
    }

    /** The rounding unit of a dtype's values (0 for integers, which are exact). */
    static double eps(DType d) {
        String name = d.torchName();
        if (name.startsWith("float8_e4m3")) {
            return 0x1p-3;
        }
        if (name.startsWith("float8_e5m2")) {
            return 0x1p-2;
        }
        return switch (name) {
            case "float64" -> 0x1p-52;
            case "float32" -> 0x1p-23;
            case "float16" -> 0x1p-10;
            case "bfloat16" -> 0x1p-7;
            default -> d.kind() == DType.Kind.FLOAT || d.kind() == DType.Kind.QUANTIZED ? 0x1p-7 : 0;
        };
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }
}
