package org.ckptinspector.diff;

/**
 * How much a tensor's values changed, over the positions where both values are finite. A statistic that does
 * not exist (no such position, a zero norm) is null.
 *
 * @param maxAbsDiff max |a − b|
 * @param meanAbsDiff mean |a − b|
 * @param relL2 ‖a − b‖ / ‖b‖
 * @param cosine a·b / (‖a‖ ‖b‖)
 * @param finitePairs positions where both values are finite (complex: both parts of both)
 * @param nonfiniteMismatches positions where a value is NaN or infinite and the other is not the same
 * @param changedValues positions whose values differ (NaN equal to NaN)
 * @param values positions compared
 * @param update the kind of update, null until the diff has judged it
 */
public record ValueChange(String key, Double maxAbsDiff, Double meanAbsDiff, Double relL2, Double cosine,
        long finitePairs, long nonfiniteMismatches, long changedValues, long values, UpdateVerdict update) {

    /** Changed positions over all positions (0 for an empty tensor). */
    public double changedFraction() {
        return values == 0 ? 0 : (double) changedValues / values;
    }

    ValueChange withUpdate(UpdateVerdict verdict) {
        return new ValueChange(key, maxAbsDiff, meanAbsDiff, relL2, cosine, finitePairs, nonfiniteMismatches,
                changedValues, values, verdict);
    }
}
