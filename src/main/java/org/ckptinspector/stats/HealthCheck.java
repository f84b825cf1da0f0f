package org.ckptinspector.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.model.DType;

/**
 * Ranks the tensors of a checkpoint that look broken, from their statistics. The checks and their thresholds:
 *
 * <ul>
 *   <li>{@link HealthProblem.Kind#NON_FINITE}: any NaN or ±Inf. Training diverged or the file is damaged; a single
 *       NaN spreads through every layer after it. Ranked by the share of non-finite values.</li>
 *   <li>{@link HealthProblem.Kind#NEAR_OVERFLOW}: float16, bfloat16, float32 and float64 tensors whose largest
 *       magnitude is at least half the dtype's largest finite number (32 752 for float16): the next update or a
 *       sum of two such values overflows to Inf. The float8 and float4 formats are left out because scaled
 *       low-precision checkpoints fill their narrow range on purpose.</li>
 *   <li>{@link HealthProblem.Kind#EXTREME_MAGNITUDE}: floating-point, complex or quantized tensors with more than one
 *       value whose largest magnitude exceeds {@value #EXTREME} (10⁶). Weights, biases, normalisation parameters
 *       and Adam moments of healthy models stay many orders of magnitude below; values like these come from
 *       divergence, missing normalisation or uninitialised memory ({@code torch.empty}). Single values are
 *       exempt: optimizer step counters are saved as one-element float tensors.</li>
 *   <li>{@link HealthProblem.Kind#ALL_ZERO}: floating-point tensors of more than one value that are all zero: a
 *       layer that was never trained or was zeroed by mistake (freshly initialised biases are zero too, so this
 *       ranks last). Integer and bool tensors (counters, masks, ids) are not checked.</li>
 * </ul>
 */
public final class HealthCheck {
    /** Magnitude above which floating-point values count as extreme. */
    public static final double EXTREME = 1e6;

    private HealthCheck() {}

    /** The problems of the given tensors, most severe first; within a kind, the worst first. */
    public static List<HealthProblem> sweep(List<TensorStats> tensors) {
        List<Ranked> found = new ArrayList<>();
        for (TensorStats t : tensors) {
            if (!t.isRead() || t.count() == 0) {
                continue;
            }
            check(t, found);
        }
        found.sort((a, b) -> {
            int byKind = a.problem.kind().compareTo(b.problem.kind());
            return byKind != 0 ? byKind : Double.compare(-a.weight, -b.weight);
        });
        return found.stream().map(r -> r.problem).toList();
    }

    private static void check(TensorStats t, List<Ranked> found) {
        if (t.nonFinite() > 0) {
            double share = (double) t.nonFinite() / t.count();
            found.add(new Ranked(new HealthProblem(t.key(), HealthProblem.Kind.NON_FINITE,
                    String.format(Locale.ROOT, "%d NaN, %d +Inf, %d -Inf among %d values (%s)", t.nan(), t.posInf(),
                            t.negInf(), t.count(), percent(share))), share));
        }
        DType d = t.dtype();
        boolean real = d.isFloatingPoint() || d.kind() == DType.Kind.COMPLEX || d.kind() == DType.Kind.QUANTIZED
                || d.kind() == DType.Kind.BLOCK;
        if (!real || t.finite() == 0) {
            return;
        }
        double maxAbs = t.maxAbs();
        double limit = FloatLimits.maxFinite(d);
        boolean wide = d == DType.FLOAT16 || d == DType.BFLOAT16 || d == DType.FLOAT32 || d == DType.FLOAT64;
        if (wide && maxAbs >= limit / 2) {
            found.add(new Ranked(new HealthProblem(t.key(), HealthProblem.Kind.NEAR_OVERFLOW,
                    String.format(Locale.ROOT, "max |x| = %.6g is within a factor of 2 of the %s limit %.6g",
                            maxAbs, d.torchName(), limit)), maxAbs / limit));
        } else if (t.count() > 1 && maxAbs > EXTREME) {
            found.add(new Ranked(new HealthProblem(t.key(), HealthProblem.Kind.EXTREME_MAGNITUDE,
                    String.format(Locale.ROOT, "max |x| = %.6g exceeds %.0e", maxAbs, EXTREME)), Math.log(maxAbs)));
        }
        if (t.count() > 1 && t.zeros() == t.count()) {
            found.add(new Ranked(new HealthProblem(t.key(), HealthProblem.Kind.ALL_ZERO,
                    "all " + t.count() + " values are zero"), t.count()));
        }
    }

    private static String percent(double share) {
        return share >= 0.001 ? String.format(Locale.ROOT, "%.1f%%", 100 * share)
                : String.format(Locale.ROOT, "%.2g%%", 100 * share);
    }

    private record Ranked(HealthProblem problem, double weight) {}
}
