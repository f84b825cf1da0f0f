package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The diff command end to end on files written by real torch and safetensors. */
class DiffCommandTest {
    private static final Path DIR = Path.of("src/test/resources/diff");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Exit code, stdout and stderr of one run. */

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String file(String name) {
        return DIR.resolve(name).toString();
    }

    private static JsonNode expected(String pair) throws Exception {
        for (JsonNode p : JSON.readTree(DIR.resolve("expected.json").toFile()).get("pairs")) {
            if (p.get("name").asText().equals(pair)) {
                return p;
            }
        }
        throw new AssertionError("no pair " + pair);
    }

    @Test
    void theArticlesDifferentArchitectureFailsWithTorchsOwnLinesInTheTextReport() throws Exception {
        CliRun r = run("diff", file("seed_simple.safetensors"), file("seed_different.safetensors"));
        assertEquals(1, r.code(), r.err());
        String torch = expected("seed").get("load_state_dict").get("strict_error").asText();
        List<String> lines = torch.lines().toList();
        assertEquals("Error(s) in loading state_dict for SimpleModelDifferent:", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(r.out().contains(line + "\n"), "missing torch line: " + line + "\n" + r.out());
        }
        assertTrue(r.out().contains("strict=False: raises"), r.out());
        assertTrue(r.out().contains("size mismatch for fc1.weight: copying a param with shape torch.Size([5, 10])"
                + " from checkpoint, the shape in current model is torch.Size([6, 10])."), r.out());
    }

    @Test
    void theArticlesStrictFalseExampleStillRaisesOnSizeMismatches() throws Exception {
        CliRun r = run("diff", DIR.resolve("../fixtures/torch-2.13/complex_model_fc_only.pt").toString(),
                file("modified_complex.pt"), "--json");
        assertEquals(1, r.code(), r.err());
        JsonNode load = r.json().get("load_state_dict");
        assertFalse(load.get("strict_ok").asBoolean());
        assertFalse(load.get("non_strict_ok").asBoolean(), "torch raises on size mismatches with strict=False");
        assertEquals(3, load.get("size_mismatch").size());
        assertEquals("[\"conv1.weight\",\"conv1.bias\"]", load.get("missing_keys").toString());
        String torch = expected("fc_only_into_modified").get("load_state_dict").get("non_strict_error").asText();
        String ours = load.get("non_strict_error").asText();
        assertEquals(torch.substring(torch.indexOf('\n')), ours.substring(ours.indexOf('\n')));
        CliRun text = run("diff", DIR.resolve("../fixtures/torch-2.13/complex_model_fc_only.pt").toString(),
                file("modified_complex.pt"));
        assertTrue(text.out().contains("strict=False: raises\nRuntimeError: Error(s) in loading state_dict for "
                + "modified_complex:\n\tsize mismatch for fc1.weight: copying a param with shape "
                + "torch.Size([10, 10816]) from checkpoint, the shape in current model is torch.Size([12, 10816])."),
                text.out());
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        CliRun r = run("diff", file("values_a.safetensors"), file("values_b.safetensors"), "--json");
        assertEquals(1, r.code(), r.err());
        assertFalse(r.out().contains("NaN") || r.out().contains("Infinity"), r.out());
        JsonNode j = r.json();
        for (String field : List.of("a", "b", "alignment", "only_in_a", "only_in_b", "shape_mismatch",
                "dtype_mismatch", "identical", "changed", "load_state_dict")) {
            assertTrue(j.has(field), field);
        }
        assertTrue(j.get("alignment").isNull());
        JsonNode shape = j.get("shape_mismatch").get(0);
        assertTrue(shape.has("key") && shape.get("shape_a").isArray() && shape.get("shape_b").isArray());
        JsonNode dtype = j.get("dtype_mismatch").get(0);
        assertTrue(dtype.has("key") && dtype.has("dtype_a") && dtype.has("dtype_b"));
        JsonNode nanAll = find(j.get("changed"), "nan.all");
        for (String stat : List.of("max_abs_diff", "mean_abs_diff", "rel_l2", "cosine")) {
            assertTrue(nanAll.get(stat).isNull(), stat);
        }
        JsonNode bf16 = find(j.get("changed"), "dtype.bf16_vs_f32");
        assertEquals(0.0, bf16.get("max_abs_diff").asDouble());
        JsonNode load = j.get("load_state_dict");
        JsonNode torch = expected("values").get("load_state_dict");
        assertEquals(torch.get("missing_keys"), load.get("missing_keys"));
        assertEquals(torch.get("unexpected_keys"), load.get("unexpected_keys"));
        assertFalse(load.get("strict_ok").asBoolean());
        assertFalse(load.get("non_strict_ok").asBoolean());
        JsonNode size = load.get("size_mismatch").get(0);
        assertEquals("shape.and_dtype", size.get("key").asText());
        assertEquals("[2]", size.get("checkpoint_shape").toString());
        assertEquals("[3]", size.get("model_shape").toString());
    }

    private static JsonNode find(JsonNode array, String key) {
        for (JsonNode n : array) {
            if (n.get("key").asText().equals(key)) {
                return n;
            }
        }
        throw new AssertionError("no " + key + " in " + array);
    }

    @Test
    void alignedIdenticalCheckpointsExitZero() throws Exception {
        CliRun auto = run("diff", file("seed_compiled.safetensors"), file("seed_simple.safetensors"),
                "--align-prefixes", "--json");
        assertEquals(0, auto.code(), auto.err());
        assertEquals("prefix \"_orig_mod.\" removed from A's keys", auto.json().get("alignment").asText());
        assertEquals(4, auto.json().get("identical").size());
        assertTrue(auto.json().get("load_state_dict").get("strict_ok").asBoolean());
        CliRun renamed = run("diff", file("seed_compiled.safetensors"), file("seed_simple.safetensors"),
                "--rename", "^_orig_mod\\.=");
        assertEquals(0, renamed.code(), renamed.err());
        assertTrue(renamed.out().contains("alignment: A's keys renamed by ^_orig_mod\\.="), renamed.out());
        CliRun raw = run("diff", file("seed_compiled.safetensors"), file("seed_simple.safetensors"));
        assertEquals(1, raw.code());
        assertTrue(raw.out().contains("Unexpected key(s) in state_dict: \"_orig_mod.fc1.bias\", "), raw.out());
    }

    @ParameterizedTest(name = "{0} vs {1} {2}")
    @CsvSource({
        "diff/same_torch113.pt, diff/same_torch213.pt, ''",
        "diff/same_torch113_legacy.pt, diff/same_torch213.pt, ''",
        "fixtures/torch-2.13/simple_adam.pt, fixtures/torch-2.13/safetensors/simple_model.safetensors, ''",
        "fixtures/torch-2.13/dataparallel.pt, fixtures/torch-2.13/simple_adam.pt, --align-prefixes",
        "diff/seed_lightning.ckpt, diff/seed_simple.safetensors, --align-prefixes",
        "fixtures/torch-1.13/quantized.pt, fixtures/torch-2.13/quantized_legacy.pt, ''",
        "fixtures/torch-1.13/sparse_coo.pt, fixtures/torch-2.13/sparse_coo.pt, ''",
        "fixtures/torch-2.13/views_shared.pt, fixtures/torch-1.13/views_shared_legacy.pt, ''"})
    void theSameWeightsAcrossVersionsFormatsAndWrappersAreIdentical(String a, String b, String option)
            throws Exception {
        Path res = DIR.getParent();
        List<String> args = new java.util.ArrayList<>(List.of("diff", res.resolve(a).toString(),
                res.resolve(b).toString(), "--json"));
        if (!option.isEmpty()) {
            args.add(option);
        }
        CliRun r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(0, r.json().get("changed").size());
        assertTrue(r.json().get("identical").size() >= 1);
        assertEquals(option.isEmpty(), r.json().get("alignment").isNull());
    }

    @Test
    void unreadableInputExitsTwoWithOneLineNamingTheFile() {
        CliRun missing = run("diff", file("seed_simple.safetensors"), file("no_such.safetensors"));
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().contains("no_such.safetensors"), missing.err());
        CliRun notCheckpoint = run("diff", file("make_diff_fixtures.py"), file("seed_simple.safetensors"));
        assertEquals(2, notCheckpoint.code());
        assertEquals(1, notCheckpoint.err().lines().count(), notCheckpoint.err());
        assertTrue(notCheckpoint.err().contains("make_diff_fixtures.py"), notCheckpoint.err());
        assertEquals("", notCheckpoint.out());
    }

    @Test
    void badRenameRulesExitTwo() {
        CliRun badRegex = run("diff", file("seed_simple.safetensors"), file("seed_simple.safetensors"),
                "--rename", "fc[=x");
        assertEquals(2, badRegex.code());
        assertTrue(badRegex.err().contains("not a valid regex"), badRegex.err());
        CliRun merging = run("diff", file("seed_simple.safetensors"), file("seed_simple.safetensors"),
                "--rename", "\\.(weight|bias)$=");
        assertEquals(2, merging.code());
        assertTrue(merging.err().startsWith("error: the rename rules give A's keys"), merging.err());
        assertEquals(1, merging.err().lines().count(), merging.err());
    }
}
