package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.report.InspectReport;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A torch.save'd quantized whole model lists the tensors its {@code state_dict()} holds, under the same names
 * (a packed-params tuple item by item), with torch's quantization parameters in {@code inspect --json}.
 */
class QuantizedModelTest {
    @ParameterizedTest
    @ValueSource(strings = {"torch-1.13", "torch-2.13"})
    void tensorsAreTheStateDictsWithTheirQuantization(String version) throws Exception {
        JsonNode expected = TrainingFixtures.manifest(version).get("quantized.pt").get("state_dict");
        try (Checkpoint c = CheckpointOpener.open(TrainingFixtures.file(version, "quantized.pt"))) {
            Map<String, JsonNode> json = byKey(InspectReport.toJson(c, false));
            List<String> want = new ArrayList<>();
            expected.fieldNames().forEachRemaining(want::add);
            assertEquals(want.stream().sorted().toList(), json.keySet().stream().sorted().toList());
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode t = json.get(e.getKey());
                assertEquals(e.getValue().get("dtype").asText(), t.get("dtype").asText(), e.getKey());
                assertEquals(e.getValue().get("shape").toString(), t.get("shape").toString(), e.getKey());
                assertQuantization(e.getValue().get("quantization"), t.get("quantization"), e.getKey());
                if (!e.getValue().get("item").isNull()) {
                    TensorRef ref = c.tensor(e.getKey()).orElseThrow();
                    assertEquals(e.getValue().get("item").asDouble(), ValueReader.head(ref, 1)[0], e.getKey());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"torch-1.13", "torch-2.13"})
    void perChannelAndPerTensorParametersAreTorchs(String version) throws Exception {
        JsonNode expected = TrainingFixtures.manifest(version).get("qtensors.pt");
        try (Checkpoint c = CheckpointOpener.open(TrainingFixtures.file(version, "qtensors.pt"))) {
            Map<String, JsonNode> json = byKey(InspectReport.toJson(c, false));
            assertEquals(expected.size(), json.size());
            expected.fields().forEachRemaining(e -> assertQuantization(e.getValue(),
                    json.get(e.getKey()).get("quantization"), e.getKey()));
        }
    }

    private static void assertQuantization(JsonNode want, JsonNode got, String key) {
        if (want == null || want.isNull()) {
            assertTrue(got == null, key + " is not quantized");
            return;
        }
        assertEquals(want.get("qscheme").asText(), got.get("qscheme").asText(), key);
        for (String field : List.of("scale", "zero_point", "axis")) {
            if (want.has(field)) {
                assertEquals(want.get(field).asDouble(), got.get(field).asDouble(), key + " " + field);
            }
        }
        for (String field : List.of("scales", "zero_points")) {
            if (want.has(field)) {
                assertEquals(want.get(field).size(), got.get(field).size(), key + " " + field);
                for (int i = 0; i < want.get(field).size(); i++) {
                    assertEquals(want.get(field).get(i).asDouble(), got.get(field).get(i).asDouble(), key + field);
                }
            }
        }
    }

    private static Map<String, JsonNode> byKey(JsonNode doc) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        doc.get("tensors").forEach(t -> out.put(t.get("key").asText(), t));
        return out;
    }
}
