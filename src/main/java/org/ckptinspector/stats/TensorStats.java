package org.ckptinspector.stats;

import org.ckptinspector.model.DType;
import org.ckptinspector.values.ValueView;

/**
 * Statistics of one tensor's values, in double precision. A statistic that does not exist (the std of one
 * value, the min of a tensor without finite values, anything of an unreadable tensor) is {@code NaN} here and
 * {@code null} in JSON. {@code min}, {@code max}, {@code mean}, {@code std}, {@code l2}, the histogram and the
 * quantiles are over the finite values.
 *
 * @param count values described: numel, except float4_e2m1fn_x2 (two per byte) and complex REAL_IMAG (two per
 *     element); equal to finite + nan + posInf + negInf for a read tensor
 * @param zeros values equal to zero, −0.0 included
 * @param negativeZeros values that are −0.0
 * @param subnormals finite non-zero values below the dtype's smallest normal number
 * @param std unbiased standard deviation (divides by n − 1, as {@code torch.std})
 * @param populationStd standard deviation dividing by n
 * @param l2 Euclidean norm of the finite values
 * @param histogram bins over [min, max], or null when there is no finite value
 * @param quantiles p1/p50/p99, or null when there is no finite value
 * @param valueCounts exact counts per value for integer and bool tensors with a small range, else null
 * @param note why the tensor was not read, or null when it was
 */
public record TensorStats(
        String key,
        DType dtype,
        ValueView view,
        long count,
        long finite,
        long nan,
        long posInf,
        long negInf,
        long zeros,
        long negativeZeros,
        long subnormals,
        double min,
        double max,
        double mean,
        double std,
        double populationStd,
        double l2,
        Histogram histogram,
        Quantiles quantiles,
        ValueCounts valueCounts,
        String note) {

    /** The entry of a tensor whose values could not be read, saying why. */
    public static TensorStats unreadable(String key, DType dtype, long numel, String why) {
        double n = Double.NaN;
        return new TensorStats(key, dtype, ValueView.VALUE, numel, 0, 0, 0, 0, 0, 0, 0, n, n, n, n, n, n, null,
                null, null, why);
    }

    /** True when the values were read. */
    public boolean isRead() {
        return note == null;
    }

    /** Values that are NaN or ±Inf. */
    public long nonFinite() {
        return nan + posInf + negInf;
    }

    /** The largest magnitude among the finite values, or NaN without any. */
    public double maxAbs() {
        return finite == 0 ? Double.NaN : Math.max(Math.abs(min), Math.abs(max));
    }
}
