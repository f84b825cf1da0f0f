package org.ckptinspector.stats;

/**
 * Count, mean and sum of squared deviations (M2) of a set of values, mergeable with Chan, Golub and LeVeque's
 * pairwise update, which loses no precision when the parts have very different means or sizes.
 */
final class Moments {
    long n;
    double mean;
    double m2;

    /** Merges a part of {@code nb} values with mean {@code meanB} and sum of squared deviations {@code m2b}. */
    void combine(long nb, double meanB, double m2b) {
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

    void combine(Moments o) {
        combine(o.n, o.mean, o.m2);
    }
}
