package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorHash;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * numpy arrays inside torch.save files are tensors (dtype, shape and the hash of their values as numpy gives
 * them), for numpy 1.x ({@code numpy.core}) and 2.x ({@code numpy._core}); numpy scalars are values.
 */
class NumpyArraysTest {
    @ParameterizedTest
    @ValueSource(strings = {"torch-1.13", "torch-2.13"})
    void everyArrayIsATensorWithNumpysValues(String version) throws Exception {
        JsonNode expected = TrainingFixtures.manifest(version).get("numpy.pt");
        try (Checkpoint c = CheckpointOpener.open(TrainingFixtures.file(version, "numpy.pt"))) {
            Map<String, TensorRef> byKey = c.tensorsByKey();
            assertEquals(expected.get("arrays").size(), c.tensors().size(), byKey.keySet().toString());
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("arrays").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                TensorRef t = byKey.get(e.getKey());
                assertTrue(t != null, e.getKey() + " missing");
                assertEquals(e.getValue().get("dtype").asText(), t.dtype().torchName(), e.getKey());
                long[] shape = new long[e.getValue().get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = e.getValue().get("shape").get(i).asLong();
                }
                assertArrayEquals(shape, t.shape(), e.getKey());
                assertEquals(e.getValue().get("sha256").asText(), TensorHash.sha256(t), e.getKey());
            }
            assertNotEquals(byKey.get("f4").storage().key(), byKey.get("f8").storage().key());
            assertTrue(c.warnings().isEmpty(), c.warnings().toString());
            PyValue.Dict meta = (PyValue.Dict) c.metadata();
            assertEquals(expected.get("scalars").size(), meta.size(), meta.entries().keySet().toString());
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("scalars").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                PyValue v = meta.get(e.getKey());
                JsonNode want = e.getValue();
                if (want.isBoolean()) {
                    assertEquals(new PyValue.Bool(want.asBoolean()), v, e.getKey());
                } else if (want.isIntegralNumber()) {
                    assertEquals(PyValue.Int.of(want.asLong()), v, e.getKey());
                } else {
                    assertEquals(new PyValue.Float(want.asDouble()), v, e.getKey());
                }
            }
        }
    }
}
