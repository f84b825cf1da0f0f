package org.ckptinspector.format.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorHash;
import org.junit.jupiter.api.Test;

/**
 * Files real torch reads but our fixture corpus lacks (src/test/resources/generated, made by make_generated.py):
 * the tar format, a TorchScript archive, DEFLATE records and a big-endian archive. The expectations are what
 * torch itself loads from each file (manifest.json).
 */
class GeneratedFilesTest {
    static final Path DIR = Path.of("src/test/resources/generated");
    private static final JsonNode MANIFEST = manifest();

    @Test
    void tarFormatOpensWithItsSharedStorage() throws Exception {
        try (Checkpoint c = check("old_tar.pt", Format.TORCH_TAR)) {
            assertEquals(c.tensor("weight").orElseThrow().storage(), c.tensor("weight_t").orElseThrow().storage());
            assertEquals(new PyValue.Int(java.math.BigInteger.valueOf(7)),
                    ((PyValue.Dict) c.metadata()).get("epoch"));
            assertTrue(c.globalNames().contains("torch.FloatStorage"), c.globalNames().toString());
            assertTrue(c.warnings().isEmpty(), c.warnings().toString());
        }
    }

    @Test
    void torchScriptArchiveShowsItsModuleTensorsWithAWarning() throws Exception {
        try (Checkpoint c = check("torchscript.pt", Format.TORCH_ZIP)) {
            assertEquals(1, c.warnings().size(), c.warnings().toString());
            assertTrue(c.warnings().get(0).startsWith("TorchScript archive"), c.warnings().get(0));
        }
    }

    @Test
    void deflatedRecordsAreInflatedOnDemand() throws Exception {
        try (Checkpoint c = check("deflated.pt", Format.TORCH_ZIP)) {
            assertTrue(c.warnings().isEmpty(), c.warnings().toString());
        }
    }

    @Test
    void bigEndianArchivesAreByteSwappedOnRead() throws Exception {
        try (Checkpoint c = check("big_endian.pt", Format.TORCH_ZIP)) {
            assertTrue(c.warnings().isEmpty(), c.warnings().toString());
        }
    }

    @Test
    void blockedHybridAndUncoalescedSparseTensorsDensifyAsTorchDoes() throws Exception {
        try (Checkpoint c = check("sparse_more.pt", Format.TORCH_ZIP)) {
            assertEquals(org.ckptinspector.model.Layout.SPARSE_BSC, c.tensor("bsc").orElseThrow().layout());
            assertEquals(List.of("ccol_indices", "row_indices", "values"),
                    List.copyOf(c.tensor("bsc").orElseThrow().components().keySet()));
            assertTrue(c.warnings().isEmpty(), c.warnings().toString());
        }
    }

    @Test
    void inflatedTempFilesAreDeletedOnClose() throws Exception {
        // A record larger than the in-memory limit goes to a temp file; closing the checkpoint removes it.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.Set<Path> before = inflatedFiles(tmp);
        Path big = Files.createTempFile("deflated-big", ".pt");
        try {
            HostileFiles.writeZip(big, Map.of("big/data.pkl", HostileFiles.pickleOfFloatStorage("0", 5_000_000),
                    "big/data/0", new byte[20_000_000], "big/version", "3\n".getBytes()), true);
            java.util.Set<Path> created;
            try (Checkpoint c = CheckpointOpener.open(big)) {
                TensorHash.sha256(c.tensors().get(0));
                created = inflatedFiles(tmp);
                created.removeAll(before);
                assertFalse(created.isEmpty(), "a 20 MB record is inflated into a temp file");
            }
            created.forEach(p -> assertFalse(Files.exists(p), p + " remains after close"));
        } finally {
            Files.deleteIfExists(big);
        }
    }

    private static java.util.Set<Path> inflatedFiles(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ckpt-inflated-"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Checkpoint check(String name, Format format) throws Exception {
        Checkpoint c = CheckpointOpener.open(DIR.resolve(name));
        assertEquals(format, c.format());
        JsonNode expected = MANIFEST.get(name);
        assertEquals(new TreeSet<>(fieldNames(expected)),
                c.tensors().stream().map(TensorRef::key).collect(Collectors.toCollection(TreeSet::new)), name);
        for (TensorRef t : c.tensors()) {
            JsonNode e = expected.get(t.key());
            String what = name + " " + t.key();
            assertEquals(e.get("dtype").asText(), t.dtype().torchName(), what);
            assertEquals(e.get("shape").toString(), Arrays.toString(t.shape()).replace(" ", ""), what);
            if (!e.get("stride").isNull()) {
                assertEquals(e.get("stride").toString(), Arrays.toString(t.stride()).replace(" ", ""), what);
                assertEquals(e.get("storage_offset").asLong(), t.storageOffset(), what);
            }
            assertEquals(e.get("sha256").asText(), TensorHash.sha256(t), what);
            assertEquals(t.key(), String.join(".", t.path().stream().map(Object::toString).toList()), what);
        }
        return c;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }

    private static JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
