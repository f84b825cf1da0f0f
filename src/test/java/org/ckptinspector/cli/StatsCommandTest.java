package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** {@code stats} as scripts use it: the JSON contract, exit codes, and agreement with real torch. */
class StatsCommandTest {
    private static final Path ALL_DTYPES = Fixtures.file("torch-2.13", "safetensors/all_dtypes.safetensors");
    private static final String[] FIELDS = {"key", "dtype", "count", "min", "max", "mean", "std", "l2", "nan",
        "posinf", "neginf", "zeros", "histogram"};

    /** Files whose statistics torch computes in the oracle script: flat dicts of tensors. */
    static final List<String> FLAT_FILES = List.of("safetensors/all_dtypes.safetensors",
            "safetensors/f8_e8m0.safetensors", "safetensors/f4_e2m1fn_x2.safetensors",
            "safetensors/empty_and_scalar.safetensors", "safetensors/simple_model.safetensors",
            "safetensors/tiny_gpt_bf16_save_model.safetensors", "safetensors/with_metadata.safetensors",
            "dtypes.pt", "dtypes_v3.pt", "special_values.pt", "quantized.pt", "conj_neg_bits.pt", "simple_adam.pt",
            "sparse_coo.pt", "views_shared.pt", "tiny_gpt_bf16_tied.pt", "../../generated/big_endian.pt",
            "../../generated/deflated.pt", "../../generated/sparse_more.pt");


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        CliRun r = run("stats", ALL_DTYPES.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(ALL_DTYPES.toString(), root.get("file").asText());
        assertEquals(18, root.get("tensors").size());
        for (JsonNode t : root.get("tensors")) {
            for (String f : FIELDS) {
                assertTrue(t.has(f), "field " + f + " of " + t.get("key"));
            }
            long finite = t.get("count").asLong() - t.get("nan").asLong() - t.get("posinf").asLong()
                    - t.get("neginf").asLong();
            JsonNode h = t.get("histogram");
            if (finite == 0) {
                assertTrue(h.isNull() && t.get("min").isNull(), "no finite values in " + t.get("key"));
                continue;
            }
            assertEquals(100, h.get("counts").size());
            assertEquals(101, h.get("edges").size());
            long sum = 0;
            for (JsonNode c : h.get("counts")) {
                sum += c.asLong();
            }
            assertEquals(finite, sum, "histogram of " + t.get("key"));
            assertEquals(t.get("min").asDouble(), h.get("edges").get(0).asDouble(), "first edge of " + t.get("key"));
            assertEquals(t.get("max").asDouble(), h.get("edges").get(100).asDouble(), "last edge of " + t.get("key"));
        }
        List<String> healthKeys = new ArrayList<>();
        root.get("health").forEach(p -> healthKeys.add(p.get("key").asText() + ": " + p.get("problem").asText()));
        assertTrue(healthKeys.stream().anyMatch(h -> h.startsWith("f64: 1 NaN, 1 +Inf")), healthKeys.toString());
        assertFalse(healthKeys.stream().anyMatch(h -> h.startsWith("f32:")), healthKeys.toString());
    }

    @Test
    void selectedKeysAndBins() throws Exception {
        CliRun r = run("stats", ALL_DTYPES.toString(), "--key", "f32", "--key", "i8", "--bins", "7", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode tensors = new ObjectMapper().readTree(r.out()).get("tensors");
        assertEquals(2, tensors.size());
        assertEquals("f32", tensors.get(0).get("key").asText());
        assertEquals("i8", tensors.get(1).get("key").asText());
        assertEquals(7, tensors.get(0).get("histogram").get("counts").size());
        assertEquals(8, tensors.get(0).get("histogram").get("edges").size());
    }

    @Test
    void unknownKeyIsAnErrorOnOneLine() {
        CliRun r = run("stats", ALL_DTYPES.toString(), "--key", "nope", "--json");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("'nope'") && r.err().contains(ALL_DTYPES.toString()), r.err());
    }

    @Test
    void unreadableInputIsAnErrorOnOneLine(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("notes.pt"), "just some text, not a checkpoint\n");
        for (Path p : new Path[] {junk, dir.resolve("missing.pt")}) {
            CliRun r = run("stats", p.toString(), "--json");
            assertEquals(2, r.code(), p.toString());
            assertEquals("", r.out());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().contains(p.toString()), r.err());
        }
    }

    @Test
    void badBinsAreAUsageError() {
        CliRun r = run("stats", ALL_DTYPES.toString(), "--bins", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--bins"), r.err());
    }

    @Test
    void textReportNamesProblems() {
        CliRun r = run("stats", Fixtures.file("torch-2.13", "safetensors/all_dtypes.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("health:") && r.out().contains("f16: 1 NaN, 0 +Inf, 1 -Inf"), r.out());
    }

    /** Every number of {@code stats --json} agrees with torch on the same file (complex: by magnitude). */
    @TestFactory
    Stream<DynamicTest> jsonAgreesWithTorch() {
        String python = System.getenv().getOrDefault("TORCH213_PYTHON", "/opt/torch213/bin/python");
        return FLAT_FILES.stream()
                .map(name -> Fixtures.file("torch-2.13", name).normalize())
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                    assumeTrue(Files.isExecutable(Path.of(python)), "torch 2.13 is not installed here");
                    CliRun r = run("stats", p.toString(), "--json");
                    assertEquals(0, r.code(), r.err());
                    compare(torchStats(python, p), new ObjectMapper().readTree(r.out()), p);
                }));
    }

    /**
     * Our magnitudes of complex values are computed in double precision; torch.abs rounds them to the component
     * dtype, so min and max of complex tensors may differ by that rounding (half an ulp of float32 or float16), and
     * mean, std and l2 by that rounding of the largest magnitude. Everything else must be exact.
     */
    private static double magnitudeRounding(String dtype) {
        switch (dtype) {
            case "complex64":
                return 0x1p-24;
            case "complex32":
                return 0x1p-11;
            default:
                return 0;
        }
    }

    private static JsonNode torchStats(String python, Path file) throws Exception {
        Process p = new ProcessBuilder(python, "src/test/resources/stats/torch_contract_stats.py", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "torch oracle failed on " + file);
        return new ObjectMapper().readTree(out);
    }

    private static void compare(JsonNode torch, JsonNode ours, Path file) {
        assertEquals(torch.size(), ours.get("tensors").size(), "tensor count of " + file);
        for (JsonNode t : ours.get("tensors")) {
            String key = t.get("key").asText();
            JsonNode want = torch.get(key);
            assertTrue(want != null, "torch has no tensor " + key);
            String what = file.getFileName() + " " + key;
            for (String f : new String[] {"count", "nan", "posinf", "neginf", "zeros"}) {
                assertEquals(want.get(f).asLong(), t.get(f).asLong(), f + " of " + what);
            }
            double rounding = magnitudeRounding(t.get("dtype").asText());
            for (String f : new String[] {"min", "max"}) {
                assertEquals(want.get(f).isNull(), t.get(f).isNull(), f + " of " + what);
                double w = want.get(f).asDouble();
                assertTrue(Math.abs(w - t.get(f).asDouble()) <= rounding * Math.abs(w),
                        f + " of " + what + ": torch " + w + ", ours " + t.get(f));
            }
            double scale = Math.max(Math.abs(t.get("min").asDouble()), Math.abs(t.get("max").asDouble()));
            if (want.has("p50")) {
                JsonNode q = t.get("quantiles");
                boolean exact = q.get("exact").asBoolean();
                // Exact quantiles (small tensors, counted codes) up to the rounding of the interpolation;
                // approximate ones within two fine bins or two float32 buckets (2^-7 relative).
                double width = t.get("max").asDouble() - t.get("min").asDouble();
                for (String p : new String[] {"p1", "p50", "p99"}) {
                    double w = want.get(p).asDouble();
                    double tolerance = exact ? 1e-12 * scale + rounding * scale
                            : 2 * width / org.ckptinspector.stats.Quantiles.FINE_BINS + 0x1p-7 * Math.abs(w);
                    assertTrue(Math.abs(w - q.get(p).asDouble()) <= tolerance,
                            p + " of " + what + " (exact " + exact + "): numpy " + w + ", ours " + q.get(p));
                }
            }
            for (Iterator<String> it = List.of("mean", "std", "l2").iterator(); it.hasNext();) {
                String f = it.next();
                assertEquals(want.get(f).isNull(), t.get(f).isNull(), f + " of " + what);
                if (!want.get(f).isNull()) {
                    double w = want.get(f).asDouble();
                    double tolerance = Math.max(Math.max(1e-6 * Math.abs(w), 1e-12 * scale), rounding * scale);
                    assertTrue(Math.abs(w - t.get(f).asDouble()) <= tolerance,
                            f + " of " + what + ": torch " + w + ", ours " + t.get(f));
                }
            }
        }
    }
}
