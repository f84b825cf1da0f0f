package org.ckptinspector.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorHash;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fixture file opens, and its tensors equal the manifest written by real torch: paths, layout, sha256
 * (numpy arrays apart: the manifests list torch tensors only).
 */
class ManifestConformanceTest {

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesItsManifest() {
        return Fixtures.entries().stream()
                .filter(e -> !e.format().equals("shard_index"))
                .map(e -> DynamicTest.dynamicTest(e.version() + "/" + e.name(), () -> check(e)));
    }

    private static void check(Fixtures.Entry e) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(e.path())) {
            JsonNode expected = e.node().get("tensors");
            // The manifests list torch tensors; numpy arrays, tensors here too, are checked by NumpyArraysTest.
            List<TensorRef> actual = c.tensors().stream()
                    .filter(t -> t.storage() == null || !t.storage().key().startsWith("numpy/")).toList();
            List<String> expectedPaths = new ArrayList<>();
            expected.forEach(t -> expectedPaths.add(Fixtures.pathOf(t.get("path"))));
            List<String> actualPaths = actual.stream().map(t -> t.path().toString()).toList();
            assertEquals(expectedPaths.stream().sorted().toList(), actualPaths.stream().sorted().toList(),
                    "tensor paths of " + e.name());
            for (JsonNode t : expected) {
                String p = Fixtures.pathOf(t.get("path"));
                TensorRef a = actual.stream().filter(x -> x.path().toString().equals(p)).findFirst().orElseThrow();
                String what = e.name() + " " + p;
                String dtype = t.has("torch_dtype") ? t.get("torch_dtype").asText() : t.get("dtype").asText();
                assertEquals(dtype, a.dtype().torchName(), "dtype of " + what);
                JsonNode shape = t.has("torch_shape") ? t.get("torch_shape") : t.get("shape");
                assertEquals(longs(shape), Arrays.toString(a.shape()), "shape of " + what);
                if (t.has("stride") && !t.get("stride").isNull()) {
                    assertEquals(longs(t.get("stride")), Arrays.toString(a.stride()), "stride of " + what);
                }
                if (t.has("storage_offset") && !t.get("storage_offset").isNull()) {
                    assertEquals(t.get("storage_offset").asLong(), a.storageOffset(), "offset of " + what);
                }
                JsonNode sha = t.get("sha256");
                if (sha != null && !sha.isNull()) {
                    assertTrue(a.isReadable() || a.storage() == null && !a.components().isEmpty(),
                            "readable " + what + " " + a.problems());
                    assertEquals(sha.asText(), TensorHash.sha256(a), "sha256 of " + what);
                }
            }
        }
    }


    private static String longs(JsonNode arr) {
        long[] v = new long[arr.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = arr.get(i).asLong();
        }
        return Arrays.toString(v);
    }
}
