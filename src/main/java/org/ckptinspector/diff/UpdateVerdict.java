package org.ckptinspector.diff;

import java.util.Locale;

/**
 * What kind of update turned B's tensor into A's: {@code frozen} (no value differs), {@code noise} (values differ,
 * but no more than rounding to the tensors' dtypes makes them: a float8 re-quantization, a recomputation in
 * another order; see {@link DeltaAccumulator#withinRounding}), {@code sparse} (at most
 * {@value #SPARSE_FRACTION} of the elements differ), {@code low-rank} (ΔW, as a matrix of shape[0] rows, has a
 * numerical rank of at least 1 and at most a quarter of its smaller side, as a merged LoRA adapter does) or
 * {@code full} (a dense update not shown to be low-rank: its rank is higher, or could not be estimated).
 *
 * @param deltaRank the numerical rank of ΔW, null when not estimated
 * @param deltaRankReason why there is no rank (not a matrix, too large, NaN), null when there is one
 */
public record UpdateVerdict(Kind kind, Integer deltaRank, String deltaRankReason) {
    /** Most changed elements, as a fraction, of a sparse update. */
    public static final double SPARSE_FRACTION = 0.1;

    /** The verdicts, from the narrowest update to the widest. */
    public enum Kind { FROZEN, NOISE, SPARSE, LOW_RANK, FULL }

    /**
     * The verdict of a tensor of this shape, given its changed elements, whether they differ only by rounding,
     * and ΔW's rank estimate. A rank of 0 (every singular value under the rounding floor) is never low-rank: when
     * the values differ by more than rounding, such an update is {@code full} (not shown to be low-rank).
     */
    static UpdateVerdict of(long changed, long values, long[] shape, boolean withinRounding,
            DeltaRank.Estimate rank) {
        Integer r = rank.rank();
        Kind kind;
        if (changed == 0) {
            kind = Kind.FROZEN;
        } else if (withinRounding) {
            kind = Kind.NOISE;
        } else if (changed <= SPARSE_FRACTION * values) {
            kind = Kind.SPARSE;
        } else if (r != null && r > 0 && r <= smallerSide(shape) / 4) {
            kind = Kind.LOW_RANK;
        } else {
            kind = Kind.FULL;
        }
        return new UpdateVerdict(kind, r, rank.reason());
    }

    private static long smallerSide(long[] shape) {
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        return shape.length < 2 || shape[0] == 0 ? 1 : Math.min(shape[0], numel / shape[0]);
    }

    /** {@code frozen}, {@code noise}, {@code sparse}, {@code low-rank (rank r)} or {@code full}. */
    public String label() {
        return label(kind, deltaRank);
    }

    static String label(Kind kind, Integer rank) {
        if (kind == Kind.LOW_RANK) {
            return "low-rank (rank " + rank + ")";
        }
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
