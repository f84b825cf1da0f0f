package org.ckptinspector.stats;

/**
 * One finding of the health sweep.
 *
 * @param key the tensor's key
 * @param kind what is wrong, in order of severity
 * @param problem one sentence for people, with the numbers
 */
public record HealthProblem(String key, Kind kind, String problem) {

    /** Kinds of finding, most severe first. */
    public enum Kind {
        /** NaN or ±Inf values. */
        NON_FINITE,
        /** Finite values within a factor of two of the largest number the dtype can hold. */
        NEAR_OVERFLOW,
        /** Magnitudes far beyond what trained weights and optimizer states hold. */
        EXTREME_MAGNITUDE,
        /** A floating-point tensor whose every value is zero. */
        ALL_ZERO
    }
}
