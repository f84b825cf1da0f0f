package org.ckptinspector.adapter;

import java.io.IOException;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.ValueReader;

/**
 * ΔW = scale·U·V of one LoRA module in the base weight's orientation ({@code rows × cols}), with U = B and V = A,
 * or U = Aᵀ and V = Bᵀ for a transposed module; a convolution's factors are the matrices {@code [out, r]} and
 * {@code [r, in·k…]}, so its ΔW is the weight {@code [out, in, k…]} flattened to {@code out × in·k…}. The factors
 * are held in float32, as peft computes with them (it casts float16/bfloat16 factors to float32 before it
 * multiplies); ΔW itself is never held: {@link #row} computes any part of a row, {@link #frobeniusNorm} works from
 * the r×r Gram matrices.
 */
public final class LowRankDelta implements MergedWeight.Delta {
    /** Most factor elements held (256 MiB of floats): LoRA factors are small by design. */
    static final long MAX_FACTOR_VALUES = 1L << 26;

    private final int rows;
    private final int cols;
    private final int rank;
    private final float[] u;
    private final float[] v;
    private final float scale;
    private final double exactScale;

    private LowRankDelta(int rows, int cols, int rank, float[] u, float[] v, double scale) {
        this.rows = rows;
        this.cols = cols;
        this.rank = rank;
        this.u = u;
        this.v = v;
        this.scale = (float) scale;
        this.exactScale = scale;
    }

    /** Reads the module's factors. */
    public static LowRankDelta of(LoraModule m) throws IOException {
        TensorRef a = m.a();
        TensorRef b = m.b();
        long r = a.dim(0);
        long in = a.numel() / Math.max(1, r); // in·k… for a convolution: its factors as matrices
        long out = b.dim(0);
        if (r * (in + out) > MAX_FACTOR_VALUES || in > Integer.MAX_VALUE || out > Integer.MAX_VALUE) {
            throw new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED, m.module()
                    + ": LoRA factors of " + r * (in + out) + " values, more than the " + MAX_FACTOR_VALUES
                    + " read into memory");
        }
        float[] av = floats(a);
        float[] bv = floats(b);
        int ri = (int) r;
        if (!m.transposed()) {
            return new LowRankDelta((int) out, (int) in, ri, bv, av, m.scale());
        }
        return new LowRankDelta((int) in, (int) out, ri, transpose(av, ri, (int) in), transpose(bv, (int) out, ri),
                m.scale());
    }

    private static float[] floats(TensorRef t) throws IOException {
        double[] d = ValueReader.of(t).read(0, (int) t.numel());
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static float[] transpose(float[] x, int n, int m) {
        float[] t = new float[x.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                t[j * n + i] = x[i * m + j];
            }
        }
        return t;
    }

    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /**
     * Writes ΔW[row, from .. from + count) into {@code dst[offset ..]} as peft's float32 arithmetic gives it:
     * B·A with one fused multiply-add per rank in rank order (what torch's MKL sgemm does for LoRA-sized
     * products, so the merged values are bit-identical to peft's), times the float32 scale.
     */
    @Override
    public void row(int row, int from, int count, float[] dst, int offset) {
        float[] acc = new float[count];
        int base = row * rank;
        for (int k = 0; k < rank; k++) {
            float uk = u[base + k];
            int vb = k * cols + from;
            for (int j = 0; j < count; j++) {
                acc[j] = Math.fma(uk, v[vb + j], acc[j]);
            }
        }
        for (int j = 0; j < count; j++) {
            dst[offset + j] = acc[j] * scale;
        }
    }

    /**
     * ‖scale·U·V‖_F in float64 from the Gram matrices: ‖UV‖_F² = trace((UᵀU)(VVᵀ)), so the work is
     * r²·(rows + cols) and ΔW is never formed.
     */
    public double frobeniusNorm() {
        double[] gu = new double[rank * rank];
        for (int i = 0; i < rows; i++) {
            int base = i * rank;
            for (int k = 0; k < rank; k++) {
                double uk = u[base + k];
                for (int l = k; l < rank; l++) {
                    gu[k * rank + l] += uk * u[base + l];
                }
            }
        }
        double sum = 0;
        for (int k = 0; k < rank; k++) {
            for (int l = k; l < rank; l++) {
                double gv = 0;
                int vk = k * cols;
                int vl = l * cols;
                for (int j = 0; j < cols; j++) {
                    gv += (double) v[vk + j] * v[vl + j];
                }
                sum += (k == l ? 1 : 2) * gu[k * rank + l] * gv;
            }
        }
        return Math.abs(exactScale) * Math.sqrt(Math.max(0, sum));
    }
}
