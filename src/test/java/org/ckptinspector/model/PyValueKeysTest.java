package org.ckptinspector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.ckptinspector.export.pickle.Pickled;
import org.junit.jupiter.api.Test;

/** The records used as map keys, whose equals and hashCode are written out, behave as the generated ones would. */
class PyValueKeysTest {
    @Test
    void equalValuesAreEqualKeys() {
        assertKey(new PyValue.Str("fc.weight"), new PyValue.Str(new String("fc.weight")));
        assertKey(PyValue.Int.of(7), new PyValue.Int(new BigInteger("7")));
        assertKey(new PyValue.Int(BigInteger.ONE.shiftLeft(100)), new PyValue.Int(BigInteger.TWO.pow(100)));
        assertKey(new Pickled.Global("torch._utils", "_rebuild_tensor_v2"),
                new Pickled.Global("torch._utils", new String("_rebuild_tensor_v2")));
        assertKey(new PyValue.Str(null), new PyValue.Str(null));
    }

    @Test
    void differentValuesAreDifferentKeys() {
        assertNotEquals(new PyValue.Str("a"), new PyValue.Str("b"));
        assertNotEquals(new PyValue.Str("1"), PyValue.Int.of(1));
        assertNotEquals(PyValue.Int.of(1), PyValue.Int.of(-1));
        assertNotEquals(PyValue.Int.of(1), null);
        assertNotEquals(new Pickled.Global("torch", "FloatStorage"), new Pickled.Global("torch", "HalfStorage"));
        assertNotEquals(new Pickled.Global("a.b", "c"), new Pickled.Global("a", "b.c"));
        Map<PyValue, String> dict = new HashMap<>();
        dict.put(new PyValue.Str("epoch"), "str");
        dict.put(PyValue.Int.of(0), "int");
        assertEquals("str", dict.get(new PyValue.Str("epoch")));
        assertEquals("int", dict.get(PyValue.Int.of(0)));
        assertEquals(2, dict.size());
    }

    private static void assertKey(Object a, Object b) {
        assertEquals(a, b);
        assertEquals(b, a);
        assertEquals(a.hashCode(), b.hashCode());
        Map<Object, Integer> map = new HashMap<>();
        map.put(a, 1);
        assertEquals(1, map.get(b));
    }
}
