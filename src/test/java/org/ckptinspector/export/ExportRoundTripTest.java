package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports every tensor-bearing fixture (all keys, and a regex subset; as .pth and, where its dtypes allow, as
 * safetensors) and has real torch 1.13 and 2.13 load the outputs with {@code weights_only=True} /
 * {@code safetensors.torch.load_file}: keys, dtypes, shapes and values' SHA-256 must equal the manifest's ground
 * truth (written by torch itself), and tensors that shared a storage in the source must share one after loading.
 * Also runs the article's scenario (export ComplexModel's {@code fc} keys, load them with {@code strict=False}),
 * {@code --root}, renames with {@code _metadata}, and dtype conversion checked bit for bit against torch's own.
 * All outputs are checked by one Python process per torch version.
 */
class ExportRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** torch 1.13 cannot load these: they need _rebuild_tensor_v3 (new dtypes), BINFLOAT (quantized) or 7 args. */
    private static final Set<String> NEW_DTYPES = Set.of("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
            "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "uint16", "uint32", "uint64", "complex32");
    private static final Set<String> NO_DATA_KINDS = Set.of("meta", "sparse_coo", "sparse_csr", "sparse_csc",
            "sparse_bsr", "sparse_bsc", "nested");

    @TempDir
    static Path work;

    private static final List<ObjectNode> JOBS = new ArrayList<>();
    private static final List<String> JAVA_FAILURES = new ArrayList<>();
    private static final Map<String, Map<String, JsonNode>> RESULTS = new LinkedHashMap<>();

    /** A fixture tensor from the manifest: its state_dict key and ground truth. */
    private record Expected(String key, String dtype, JsonNode shape, String sha256, String kind, String storage,
            boolean conjOrNeg) {
        ObjectNode json() {
            ObjectNode o = JSON.createObjectNode();
            o.put("dtype", dtype);
            o.set("shape", shape);
            o.put("sha256", sha256);
            return o;
        }
    }

    @BeforeAll
    static void exportEverythingAndLoadWithTorch() throws Exception {
        for (Fixtures.Entry e : Fixtures.entries()) {
            List<Expected> tensors = expected(e);
            if (!tensors.isEmpty()) {
                exportFixture(e, tensors);
            }
        }
        scenarioJobs();
        ConversionFixture.addJobs(work, JOBS);
        Path jobs = work.resolve("jobs.json");
        JSON.writeValue(jobs.toFile(), JOBS);
        for (TorchPython py : List.of(TorchPython.torch113(), TorchPython.torch213())) {
            JsonNode report = py.check(jobs, Fixtures.ROOT);
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            report.get("jobs").forEach(j -> byId.put(j.get("id").asText(), j));
            RESULTS.put(py.label + " (" + report.get("torch").asText() + ")", byId);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyOutputLoadsInRealTorch() {
        return JOBS.stream().map(job -> DynamicTest.dynamicTest(job.get("id").asText(), () -> {
            String id = job.get("id").asText();
            List<String> problems = new ArrayList<>();
            int loaded = 0;
            for (Map.Entry<String, Map<String, JsonNode>> r : RESULTS.entrySet()) {
                JsonNode result = r.getValue().get(id);
                String status = result == null ? "absent" : result.get("status").asText();
                if (status.equals("ok")) {
                    loaded++;
                } else if (!status.equals("skipped")) {
                    problems.add(r.getKey() + ": " + status + " " + (result == null ? "" : result.get("problems")));
                }
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            assertTrue(loaded >= 1, id + " was loaded by no torch version");
            boolean newerTorchOnly = job.hasNonNull("min_torch") || job.path("format").asText().equals("safetensors");
            assertEquals(newerTorchOnly ? 1 : 2, loaded, id + ": loaded by " + loaded + " torch versions");
        }));
    }

    /** Sparse and meta tensors (no dense data) and dtypes safetensors lacks are refused, naming a key. */
    @Test
    void exportsThatMustBeRefusedAreRefused() {
        assertTrue(JAVA_FAILURES.isEmpty(), String.join("\n", JAVA_FAILURES));
    }

    private static void exportFixture(Fixtures.Entry e, List<Expected> tensors) throws Exception {
        String id = e.version() + "/" + e.name();
        List<Expected> exportable = tensors.stream().filter(t -> !NO_DATA_KINDS.contains(t.kind())).toList();
        List<Expected> noData = tensors.stream().filter(t -> NO_DATA_KINDS.contains(t.kind())).toList();
        try (Checkpoint c = CheckpointOpener.open(e.path())) {
            Selection all = Selection.all();
            if (!noData.isEmpty()) {
                expectRefusal(id, c, ExportRequest.of(all, ExportFormat.PTH), noData.get(0).key());
                all = all.withExclude(noData.stream().map(t -> exact(t.key())).toList());
            }
            if (exportable.isEmpty()) {
                return;
            }
            // numpy arrays are tensors here but not in the manifest, which lists what torch loads as tensors
            List<Pattern> numpy = c.tensors().stream()
                    .filter(t -> t.storage() != null && t.storage().key().startsWith("numpy/"))
                    .map(t -> exact(t.key())).toList();
            if (!numpy.isEmpty()) {
                all = all.withExclude(numpy);
            }
            List<RenameRule> renames = exportable.stream().anyMatch(t -> t.key().isEmpty())
                    ? List.of(RenameRule.parse("^$=tensor")) : List.of();
            ExportRequest request = ExportRequest.of(all, ExportFormat.PTH).withRenames(renames);
            // A shard index lists its tensors in weight_map order; the manifest lists them shard by shard.
            boolean ordered = !e.format().equals("shard_index");
            String base = e.version() + "-" + e.name().replace('/', '_');
            addLoadJob(id + " all as pth", c, request, base + ".all.pth", exportable).put("ordered", ordered);

            List<Expected> half = new ArrayList<>();
            for (int i = 0; i < exportable.size(); i += 2) {
                half.add(exportable.get(i));
            }
            if (half.size() < exportable.size() && half.stream().noneMatch(t -> t.key().isEmpty())) {
                Pattern alternation = Pattern.compile("^(" + String.join("|",
                        half.stream().map(t -> Pattern.quote(t.key())).toList()) + ")$");
                addLoadJob(id + " regex subset as pth", c,
                        request.withRenames(List.of()).withSelection(all.withInclude(List.of(alternation))),
                        base + ".subset.pth", half).put("ordered", ordered);
            }

            Expected unfit = exportable.stream().filter(t -> DType.fromTorchName(t.dtype())
                    .flatMap(DType::safetensorsCode).isEmpty()).findFirst().orElse(null);
            ExportRequest st = ExportRequest.of(all, ExportFormat.SAFETENSORS).withRenames(renames);
            if (unfit == null) {
                addLoadJob(id + " all as safetensors", c, st, base + ".all.safetensors", exportable);
            } else {
                expectRefusal(id + " as safetensors", c, st, unfit.key());
            }
        }
    }

    private static void scenarioJobs() throws Exception {
        for (String version : Fixtures.VERSIONS) {
            Path complex = Fixtures.file(version, "complex_model.pt");
            try (Checkpoint c = CheckpointOpener.open(complex)) {
                Selection fc = Selection.all().withInclude(List.of(Pattern.compile("fc")));
                Path out = export(c, ExportRequest.of(fc, ExportFormat.PTH), version + "-fc_layer_weights.pth");
                ObjectNode seed = job(version + " article: fc keys load into ComplexModel with strict=False", "seed",
                        out);
                JOBS.add(seed);
                List<Expected> fcKeys = expected(entry(version, "complex_model.pt")).stream()
                        .filter(t -> t.key().contains("fc")).toList();
                ObjectNode load = loadJob(version + " article: fc export keeps _metadata of the kept modules", out,
                        "pth", fcKeys, null);
                load.set("metadata_keys", JSON.valueToTree(List.of("", "fc1", "fc2")));
                JOBS.add(load);
            }
            Path dp = Fixtures.file(version, "dataparallel.pt");
            try (Checkpoint c = CheckpointOpener.open(dp)) {
                ExportRequest strip = ExportRequest.of(Selection.all(), ExportFormat.PTH)
                        .withRenames(List.of(RenameRule.parse("^module\\.=")));
                Path out = export(c, strip, version + "-dataparallel-stripped.pth");
                List<Expected> renamed = expected(entry(version, "dataparallel.pt")).stream()
                        .map(t -> withKey(t, t.key().substring("module.".length()))).toList();
                ObjectNode load = loadJob(version + " dataparallel with --rename ^module\\.=", out, "pth", renamed,
                        null);
                load.set("metadata_keys", JSON.valueToTree(List.of("", "fc1", "fc2")));
                JOBS.add(load);
            }
            String[][] roots = {{"lightning.ckpt", "state_dict"}, {"plain_checkpoint.pt", "model"}};
            for (String[] rooted : roots) {
                try (Checkpoint c = CheckpointOpener.open(Fixtures.file(version, rooted[0]))) {
                    ExportRequest req = ExportRequest.of(Selection.all().withRoot(rooted[1]), ExportFormat.PTH);
                    Path out = export(c, req, version + "-" + rooted[0] + ".root.pth");
                    List<Expected> under = expected(entry(version, rooted[0])).stream()
                            .filter(t -> t.key().startsWith(rooted[1] + "."))
                            .map(t -> withKey(t, t.key().substring(rooted[1].length() + 1))).toList();
                    JOBS.add(loadJob(version + " " + rooted[0] + " --root " + rooted[1], out, "pth", under, null));
                }
            }
            try (Checkpoint c = CheckpointOpener.open(Fixtures.file(version, "views_shared.pt"))) {
                // row_slice_first views elements 6..17 of a 24-element storage; transpose views all of it.
                ExportRequest req = ExportRequest.of(Selection.all().withKeys(Set.of("row_slice_first")),
                        ExportFormat.PTH);
                Path out = export(c, req, version + "-views_shared.row_slice.pth");
                List<Expected> slice = expected(entry(version, "views_shared.pt")).stream()
                        .filter(t -> t.key().equals("row_slice_first")).toList();
                ObjectNode load = loadJob(version + " a view is written as the storage range it covers", out,
                        "pth", slice, null);
                load.putObject("storage").set("row_slice_first", JSON.valueToTree(List.of(48, 0)));
                JOBS.add(load);
            }
            Path special = Fixtures.file(version, "special_values.pt");
            try (Checkpoint c = CheckpointOpener.open(special)) {
                for (DType target : List.of(DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32)) {
                    ExportRequest req = ExportRequest.of(Selection.all(), ExportFormat.PTH).withDtype(target);
                    Path out = export(c, req, version + "-special_values." + target + ".pth");
                    JOBS.add(ConversionFixture.convertJob(version + " special_values.pt --dtype " + target, out,
                            special, "pth", target, c));
                }
            }
        }
    }

    private static ObjectNode addLoadJob(String id, Checkpoint c, ExportRequest request, String name,
            List<Expected> expected) throws Exception {
        Path out = export(c, request, name);
        ObjectNode job = loadJob(id, out, request.format().id(), expected, request);
        JOBS.add(job);
        return job;
    }

    private static ObjectNode loadJob(String id, Path out, String format, List<Expected> expected,
            ExportRequest request) {
        ObjectNode job = job(id, "load", out);
        job.put("format", format);
        ObjectNode expect = job.putObject("expect");
        Map<String, List<String>> byStorage = new LinkedHashMap<>();
        boolean newer = false;
        for (Expected t : expected) {
            String key = outputKey(t.key(), request);
            expect.set(key, t.json());
            if (t.storage() != null) {
                byStorage.computeIfAbsent(t.storage(), k -> new ArrayList<>()).add(key);
            }
            newer |= NEW_DTYPES.contains(t.dtype()) || t.kind().equals("qtensor") || t.conjOrNeg();
        }
        if (newer) {
            job.put("min_torch", "2.0");
        } else {
            job.putNull("min_torch");
        }
        ArrayNode shared = job.putArray("shared");
        if (format.equals("pth")) {
            byStorage.values().stream().filter(g -> g.size() > 1).forEach(g -> shared.add(JSON.valueToTree(g)));
        }
        return job;
    }

    private static String outputKey(String key, ExportRequest request) {
        if (request == null) {
            return key;
        }
        String k = key;
        for (RenameRule r : request.renames()) {
            k = r.apply(k);
        }
        return k;
    }

    static ObjectNode job(String id, String kind, Path file) {
        ObjectNode job = JSON.createObjectNode();
        job.put("id", id);
        job.put("kind", kind);
        job.put("file", file.toString());
        return job;
    }

    static Path export(Checkpoint c, ExportRequest request, String name) throws Exception {
        Path out = work.resolve(name);
        ExportResult result = Exporter.export(c, request, out, TaskMonitor.NONE);
        assertTrue(result.verification().ok(), name + ": " + result.verification().mismatches());
        assertTrue(Files.isRegularFile(out), name);
        return out;
    }

    private static void expectRefusal(String id, Checkpoint c, ExportRequest request, String key) {
        Path out = work.resolve("refused.out");
        try {
            ExportException e = assertThrows(ExportException.class,
                    () -> Exporter.export(c, request, out, TaskMonitor.NONE));
            if (!e.getMessage().contains(key.isEmpty() ? "cannot export" : key)) {
                JAVA_FAILURES.add(id + ": the refusal does not name " + key + ": " + e.getMessage());
            }
            if (Files.exists(out)) {
                JAVA_FAILURES.add(id + ": a refused export left " + out);
            }
        } catch (AssertionError ae) {
            JAVA_FAILURES.add(id + ": export of " + key + " was not refused");
        }
    }

    private static Pattern exact(String key) {
        return Pattern.compile("^" + Pattern.quote(key) + "$");
    }

    private static Expected withKey(Expected t, String key) {
        return new Expected(key, t.dtype(), t.shape(), t.sha256(), t.kind(), t.storage(), t.conjOrNeg());
    }

    private static Fixtures.Entry entry(String version, String name) {
        return Fixtures.entries().stream().filter(x -> x.version().equals(version) && x.name().equals(name))
                .findFirst().orElseThrow();
    }

    /** The manifest's tensors of a fixture (of its shards, for an index), keyed as the CLI contract keys them. */
    private static List<Expected> expected(Fixtures.Entry e) {
        if (e.format().equals("shard_index")) {
            List<Expected> all = new ArrayList<>();
            String folder = e.name().substring(0, e.name().lastIndexOf('/') + 1);
            List<String> shards = new ArrayList<>();
            e.node().get("weight_map").forEach(v -> {
                if (!shards.contains(v.asText())) {
                    shards.add(v.asText());
                }
            });
            for (String s : shards) {
                all.addAll(expected(entry(e.version(), folder + s)));
            }
            return all;
        }
        List<Expected> out = new ArrayList<>();
        for (JsonNode t : e.node().path("tensors")) {
            if (t.path("sha256").isNull() && !NO_DATA_KINDS.contains(t.path("kind").asText())) {
                continue;
            }
            String dtype = t.has("torch_dtype") ? t.get("torch_dtype").asText() : t.get("dtype").asText();
            JsonNode shape = t.has("torch_shape") ? t.get("torch_shape") : t.get("shape");
            JsonNode storage = t.path("storage");
            String storageKey = storage.isObject() ? e.name() + "#" + storage.get("key").asText() : null;
            out.add(new Expected(key(t.get("path")), dtype, shape, t.path("sha256").asText(null),
                    t.path("kind").asText("tensor"), storageKey,
                    t.path("is_conj").asBoolean(false) || t.path("is_neg").asBoolean(false)));
        }
        return out;
    }

    /** The contract's key: path elements joined by '.', leaving out a pickled module's {@code @_modules} steps. */
    private static String key(JsonNode path) {
        List<String> parts = new ArrayList<>();
        for (JsonNode p : path) {
            String s = p.asText();
            if (!s.startsWith("@_")) {
                parts.add(s);
            }
        }
        return String.join(".", parts);
    }
}
