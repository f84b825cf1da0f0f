package org.ckptinspector.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every pair of expected.json, diffed by us, against what real torch said about it: load_state_dict's error text
 * with strict=True and strict=False, its missing and unexpected keys, the key categories and the Δ statistics.
 * Pairs made with a rename rule are checked twice: with that rule, and with automatic prefix alignment; pairs
 * that compare a sub-dict of a nested checkpoint only with automatic alignment, which has to find it.
 */
class TorchVerdictTest {

    @TestFactory
    Stream<DynamicTest> everyPairMatchesTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DiffExpectations.Pair p : DiffExpectations.pairs()) {
            if (p.rename() != null && !p.selectsSubDict()) {
                tests.add(DynamicTest.dynamicTest(p.name() + " --rename " + p.rename(), () -> check(p,
                        DiffOptions.defaults().withRenames(List.of(RenameRule.parse(p.rename()))))));
            }
            if (p.rename() != null || p.selectsSubDict()) {
                tests.add(DynamicTest.dynamicTest(p.name() + " --align-prefixes",
                        () -> check(p, DiffOptions.defaults().withAlignPrefixes(true))));
            } else {
                tests.add(DynamicTest.dynamicTest(p.name(), () -> check(p, DiffOptions.defaults())));
            }
        }
        return tests.stream();
    }

    static DiffResult diff(DiffExpectations.Pair p, DiffOptions options) throws Exception {
        try (Checkpoint a = CheckpointOpener.open(p.a()); Checkpoint b = CheckpointOpener.open(p.b())) {
            return CheckpointDiff.compare(a, b, options, TaskMonitor.NONE);
        }
    }

    private static void check(DiffExpectations.Pair p, DiffOptions options) throws Exception {
        DiffResult r = diff(p, options);
        assertEquals(p.strings("only_in_a"), r.onlyInA(), "only in A");
        assertEquals(p.strings("only_in_b"), r.onlyInB(), "only in B");
        assertEquals(p.strings("shape_mismatch"), keys(r.shapeMismatch(), DiffResult.ShapeMismatch::key),
                "shape mismatch");
        assertEquals(p.strings("dtype_mismatch"), keys(r.dtypeMismatch(), DiffResult.DtypeMismatch::key),
                "dtype mismatch");
        List<String> identical = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        p.keys().fields().forEachRemaining(e -> (e.getValue().isTextual() ? identical : changed).add(e.getKey()));
        assertEquals(identical, r.identical(), "identical");
        assertEquals(changed, keys(r.changed(), ValueChange::key), "changed");
        for (ValueChange c : r.changed()) {
            JsonNode want = p.keys().get(c.key());
            assertClose(want.get("max_abs_diff"), c.maxAbsDiff(), c.key() + " max_abs_diff");
            assertClose(want.get("mean_abs_diff"), c.meanAbsDiff(), c.key() + " mean_abs_diff");
            assertClose(want.get("rel_l2"), c.relL2(), c.key() + " rel_l2");
            assertClose(want.get("cosine"), c.cosine(), c.key() + " cosine");
        }
        JsonNode load = p.load();
        LoadStateDictReport l = r.loadStateDict();
        assertEquals(DiffExpectations.strings(load.get("missing_keys")), l.missingKeys(), "missing keys");
        assertEquals(DiffExpectations.strings(load.get("unexpected_keys")), l.unexpectedKeys(), "unexpected keys");
        assertEquals(text(load.get("strict_error")), l.errorMessage(p.modelClass(), true), "strict=True error");
        assertEquals(text(load.get("non_strict_error")), l.errorMessage(p.modelClass(), false),
                "strict=False error");
        assertEquals(load.get("strict_error").isNull() ? "<All keys matched successfully>"
                : "RuntimeError: " + text(load.get("strict_error")), l.outcome(p.modelClass(), true), "app's text");
        assertEquals(load.get("non_strict_error").isNull(), l.succeeds(false), "strict=False succeeds");
        assertEquals(load.get("strict_error").isNull(), l.strictOk(), "strict_ok");
        assertEquals(load.get("non_strict_error").isNull(), l.nonStrictOk(), "non_strict_ok");
        boolean aligned = options.alignPrefixes() || !options.renames().isEmpty();
        if (aligned) {
            assertNotNull(r.alignment(), "alignment description");
        } else {
            assertNull(r.alignment(), "alignment");
        }
        assertEquals(changed.isEmpty() && identical.size() == p.keys().size() && r.onlyInA().isEmpty()
                && r.onlyInB().isEmpty() && r.shapeMismatch().isEmpty() && r.dtypeMismatch().isEmpty(),
                r.isIdentical(), "identical overall");
        Map<String, KeyStatus> statuses = r.keyStatuses();
        identical.forEach(k -> assertEquals(KeyStatus.IDENTICAL, statuses.get(k), k));
        changed.forEach(k -> assertEquals(KeyStatus.CHANGED, statuses.get(k), k));
    }

    private static String text(JsonNode n) {
        return n.isNull() ? null : n.asText();
    }

    private static <T> List<String> keys(List<T> items, Function<T, String> key) {
        return items.stream().map(key).toList();
    }

    /** torch's float64 result against ours: the same sums in another order, so equal to ~1e-12 relative. */
    static void assertClose(JsonNode expected, Double actual, String what) {
        if (expected.isNull()) {
            assertNull(actual, what);
            return;
        }
        assertNotNull(actual, what);
        double e = expected.asDouble();
        assertTrue(Math.abs(e - actual) <= 1e-9 * Math.abs(e) + 1e-15, what + ": expected " + e + " got " + actual);
    }
}
