package org.ckptinspector.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleStatusesTest {

    @Test
    void aModuleIsChangedWhenAnyOfItsTensorsIs() {
        Map<String, KeyStatus> keys = new LinkedHashMap<>();
        keys.put("encoder.layer.0.weight", KeyStatus.IDENTICAL);
        keys.put("encoder.layer.0.bias", KeyStatus.IDENTICAL);
        keys.put("encoder.layer.1.weight", KeyStatus.CHANGED);
        keys.put("head.weight", KeyStatus.ONLY_IN_B);
        keys.put("head.bias", KeyStatus.ONLY_IN_B);
        keys.put("norm.weight", KeyStatus.IDENTICAL);
        keys.put("norm.bias", KeyStatus.NOT_COMPARED);
        keys.put("proj.weight", KeyStatus.SHAPE_MISMATCH);
        ModuleStatuses m = ModuleStatuses.of(keys);
        assertEquals(KeyStatus.IDENTICAL, m.status("encoder.layer.0").orElseThrow());
        assertEquals(KeyStatus.CHANGED, m.status("encoder.layer.1").orElseThrow());
        assertEquals(KeyStatus.CHANGED, m.status("encoder.layer").orElseThrow());
        assertEquals(KeyStatus.CHANGED, m.status("encoder").orElseThrow());
        assertEquals(KeyStatus.ONLY_IN_B, m.status("head").orElseThrow());
        assertEquals(KeyStatus.NOT_COMPARED, m.status("norm").orElseThrow());
        assertEquals(KeyStatus.SHAPE_MISMATCH, m.status("proj").orElseThrow());
        assertEquals(KeyStatus.CHANGED, m.status("").orElseThrow());
        assertEquals(KeyStatus.IDENTICAL, m.status("encoder.layer.0.bias").orElseThrow());
        assertTrue(m.status("decoder").isEmpty());
    }

    @Test
    void anAllIdenticalTreeIsIdenticalAtTheRoot() {
        ModuleStatuses m = ModuleStatuses.of(Map.of("a.b", KeyStatus.IDENTICAL, "c", KeyStatus.IDENTICAL));
        assertEquals(KeyStatus.IDENTICAL, m.status("").orElseThrow());
        assertEquals(KeyStatus.IDENTICAL, m.status("a").orElseThrow());
    }
}
