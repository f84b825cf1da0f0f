package org.ckptinspector.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** NaN and infinity handling of the Δ statistics, on values small enough to work out by hand. */
class DeltaAccumulatorTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void nanAgainstNanAndEqualInfinitiesAreEqualAndLeftOutOfTheStatistics() {
        DeltaAccumulator acc = new DeltaAccumulator();
        double[] a = {1, NAN, 3, INF, NAN, 2, -INF};
        double[] b = {1.5, NAN, 3, INF, 0, -INF, -INF};
        acc.addReal(a, b, a.length);
        ValueChange c = acc.result("k");
        assertEquals(2, c.finitePairs());
        assertEquals(2, c.nonfiniteMismatches()); // NaN vs 0, 2 vs -inf
        assertEquals(0.5, c.maxAbsDiff());
        assertEquals(0.25, c.meanAbsDiff());
        assertEquals(0.5 / Math.sqrt(1.5 * 1.5 + 9), c.relL2(), 1e-15);
        assertEquals((1.5 + 9) / (Math.sqrt(10) * Math.sqrt(11.25)), c.cosine(), 1e-15);
    }

    @Test
    void noFinitePairMeansNoStatistics() {
        DeltaAccumulator acc = new DeltaAccumulator();
        acc.addReal(new double[] {NAN, INF}, new double[] {1, 2}, 2);
        ValueChange c = acc.result("k");
        assertEquals(0, c.finitePairs());
        assertEquals(2, c.nonfiniteMismatches());
        assertNull(c.maxAbsDiff());
        assertNull(c.meanAbsDiff());
        assertNull(c.relL2());
        assertNull(c.cosine());
    }

    @Test
    void zeroNormOfBLeavesRelativeErrorAndCosineUndefined() {
        DeltaAccumulator acc = new DeltaAccumulator();
        acc.addReal(new double[] {1, -2}, new double[] {0, -0.0}, 2);
        ValueChange c = acc.result("k");
        assertEquals(2.0, c.maxAbsDiff());
        assertEquals(1.5, c.meanAbsDiff());
        assertNull(c.relL2());
        assertNull(c.cosine());
    }

    @Test
    void mergingPartialSumsEqualsOnePass() {
        double[] a = {0.5, -1.25, 3, 7.5, -2};
        double[] b = {0.25, -1, 2, 8, -2.5};
        DeltaAccumulator whole = new DeltaAccumulator();
        whole.addReal(a, b, 5);
        DeltaAccumulator first = new DeltaAccumulator();
        first.addReal(a, b, 2);
        DeltaAccumulator second = new DeltaAccumulator();
        second.addReal(new double[] {3, 7.5, -2}, new double[] {2, 8, -2.5}, 3);
        first.merge(second);
        assertEquals(whole.result("k"), first.result("k"));
        assertEquals(1.0, whole.result("k").maxAbsDiff());
    }

    @Test
    void complexDifferenceIsTheModulus() {
        DeltaAccumulator acc = new DeltaAccumulator();
        // (1+1i) vs (4+5i): |Δ| = 5; (NaN+0i) vs (NaN+0i): equal; (1+NaN i) vs (1+0i): differs
        acc.addComplex(new double[] {1, NAN, 1}, new double[] {1, 0, NAN}, new double[] {4, NAN, 1},
                new double[] {5, 0, 0}, 3);
        ValueChange c = acc.result("z");
        assertEquals(1, c.finitePairs());
        assertEquals(1, c.nonfiniteMismatches());
        assertEquals(5.0, c.maxAbsDiff());
        assertEquals(5.0 / Math.sqrt(41), c.relL2(), 1e-15);
        assertEquals(9.0 / (Math.sqrt(2) * Math.sqrt(41)), c.cosine(), 1e-15);
    }
}
