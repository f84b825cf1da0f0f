package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assignment search on model sizes the fixtures do not reach: it settles, or says why it cannot. */
class OptimizerMappingTest {
    private static final long[] MATRIX = {64, 64};
    private static final long[] VECTOR = {64};

    @Test
    void aLargeModelWithDecayGroupsIsMappedQuickly() {
        List<ModelParameter> params = new ArrayList<>();
        for (int i = 0; i < OptimizerMapping.MAX_PARAMETERS / 2; i++) {
            params.add(new ModelParameter("layer" + i + ".weight", MATRIX));
            params.add(new ModelParameter("layer" + i + ".bias", VECTOR));
        }
        List<Integer> decay = new ArrayList<>();
        List<Integer> noDecay = new ArrayList<>();
        Map<Integer, Map<String, long[]>> state = new LinkedHashMap<>();
        for (int i = 0; i < params.size() / 2; i++) {
            decay.add(i);
            noDecay.add(params.size() / 2 + i);
            state.put(i, Map.of("exp_avg", MATRIX, "step", new long[0]));
            state.put(params.size() / 2 + i, Map.of("exp_avg", VECTOR));
        }
        OptimizerStateDict opt = new OptimizerStateDict(List.of(new OptimizerStateDict.Group(decay, Map.of()),
                new OptimizerStateDict.Group(noDecay, Map.of())), state);
        OptimizerMapping m = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> OptimizerMapping.solve(params, opt));
        assertEquals(OptimizerMapping.Status.MAPPED, m.status());
        assertEquals("layer0.weight", m.names().get(0));
        assertEquals("layer0.bias", m.names().get(params.size() / 2));
        assertEquals("layer999.bias", m.names().get(params.size() - 1));
    }

    @Test
    void manyEqualShapesWithoutStateAreUndecidedOrAmbiguousNeverAGuess() {
        List<ModelParameter> params = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            params.add(new ModelParameter("p" + i, VECTOR));
        }
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            a.add(i);
            b.add(600 + i);
        }
        OptimizerStateDict opt = new OptimizerStateDict(List.of(new OptimizerStateDict.Group(a, Map.of()),
                new OptimizerStateDict.Group(b, Map.of())), Map.of());
        OptimizerMapping m = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> OptimizerMapping.solve(params, opt));
        assertTrue(m.status() == OptimizerMapping.Status.UNDECIDED || m.status() == OptimizerMapping.Status.AMBIGUOUS,
                m.status().toString());
        assertTrue(m.names().isEmpty());
    }

    @Test
    void shapesThatFitNoParameterAreNoFit() {
        List<ModelParameter> params = List.of(new ModelParameter("w", MATRIX));
        OptimizerStateDict opt = new OptimizerStateDict(List.of(new OptimizerStateDict.Group(List.of(0), Map.of())),
                Map.of(0, Map.of("momentum_buffer", VECTOR)));
        OptimizerMapping m = OptimizerMapping.solve(params, opt);
        assertEquals(OptimizerMapping.Status.NO_FIT, m.status());
        assertTrue(m.reason().contains("1 optimizer parameters"), m.reason());
    }
}
