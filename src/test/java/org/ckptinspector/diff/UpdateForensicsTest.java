package org.ckptinspector.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/**
 * A base and its fine-tune written by torch 2.13 (make_trajectory_fixtures.py): merged low-rank updates of known
 * rank, a full, a sparse and no update; the ranks torch.linalg.svdvals finds on the float64 ΔW with the same
 * tolerance.
 */
class UpdateForensicsTest {
    static final Path DIR = Path.of("src/test/resources/trajectory");

    static DiffResult diff(int threads) throws IOException {
        JsonNode lora = manifest();
        try (Checkpoint a = CheckpointOpener.open(DIR.resolve("lora").resolve(lora.get("a").asText()));
                Checkpoint b = CheckpointOpener.open(DIR.resolve("lora").resolve(lora.get("b").asText()))) {
            return CheckpointDiff.compare(a, b, DiffOptions.defaults().withThreads(threads), TaskMonitor.NONE);
        }
    }

    static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile()).get("lora");
    }

    @Test
    void findsTheRankTorchFindsAndTheVerdict() throws IOException {
        JsonNode m = manifest();
        for (int threads : new int[] {1, 2}) {
            DiffResult r = diff(threads);
            assertEquals(List.of("frozen.weight"), r.identical());
            Map<String, ValueChange> changed = r.changed().stream()
                    .collect(Collectors.toMap(ValueChange::key, Function.identity()));
            assertEquals(m.get("changed").size(), changed.size());
            for (JsonNode e : m.get("changed")) {
                String key = e.get("key").asText();
                ValueChange c = changed.get(key);
                assertNotNull(c, key);
                assertEquals(e.get("changed_fraction").asDouble(), c.changedFraction(), 1e-12, key);
                if (e.has("delta_rank")) {
                    assertEquals(e.get("delta_rank").asInt(), c.update().deltaRank(), key);
                    assertNull(c.update().deltaRankReason(), key);
                    if (!e.get("built_rank").isNull()) {
                        assertEquals(e.get("built_rank").asInt(), c.update().deltaRank(), key);
                    }
                } else {
                    assertNull(c.update().deltaRank(), key);
                    assertTrue(c.update().deltaRankReason().startsWith("not a matrix"), key);
                }
                assertEquals(m.get("expected_kind").get(key).asText(), c.update().label(), key);
            }
        }
    }

    @Test
    void rollsTheVerdictsUpPerModule() throws IOException {
        Map<String, ModuleUpdate> modules = diff(2).moduleUpdates().stream()
                .collect(Collectors.toMap(ModuleUpdate::module, Function.identity()));
        assertEquals("full", modules.get("q").label()); // a low-rank weight and a fully changed bias
        assertEquals("low-rank (rank 5)", modules.get("v").label());
        assertEquals("low-rank (rank 2)", modules.get("conv").label());
        assertEquals("sparse", modules.get("sparse").label());
        assertEquals(0.03, modules.get("sparse").changedFraction(), 1e-12);
        assertEquals("frozen", modules.get("frozen").label());
        assertEquals(1, modules.get("frozen").tensorsIdentical());
        assertEquals(2, modules.get("q").tensorsChanged());
    }

    @Test
    void largeOrFlatTensorsGetNoRankButAReason() {
        assertTrue(DeltaRank.refusal(new long[] {8192, 4096}).startsWith("too large"));
        assertTrue(DeltaRank.refusal(new long[] {100}).startsWith("not a matrix"));
        assertTrue(DeltaRank.refusal(new long[] {1, 100}).startsWith("not a matrix"));
        assertNull(DeltaRank.refusal(new long[] {4096, 4096}));
    }

    @Test
    void aMatrixPastTheDiffsBudgetGetsNoRankButTheReason() throws IOException {
        Path file = DIR.resolve("lora").resolve(manifest().get("a").asText());
        Path base = DIR.resolve("lora").resolve(manifest().get("b").asText());
        try (Checkpoint a = CheckpointOpener.open(file); Checkpoint b = CheckpointOpener.open(base)) {
            PairComparison p = new PairComparison("q.weight", new Side(file, a.tensor("q.weight").orElseThrow()),
                    new Side(base, b.tensor("q.weight").orElseThrow()), Granularity.DEFAULT);
            p.openValues();
            long cost = DeltaRank.multiplyAdds(new long[] {64, 48});
            assertEquals(-1, p.claimRank(cost - 1));
            assertEquals(0, p.rankWork());
            var progress = new org.ckptinspector.task.Progress(TaskMonitor.NONE, 1, "");
            assertTrue(p.rankUnits(progress).isEmpty());
            ParallelUnits.run(p.valueUnits(progress), 1, ThreadBuffers::new, TaskMonitor.NONE);
            UpdateVerdict v = p.result().update();
            assertNull(v.deltaRank());
            assertTrue(v.deltaRankReason().startsWith("over the rank budget"), v.deltaRankReason());
            assertEquals("full", v.label());
            assertEquals(5, p.claimRank(cost + 5)); // granted: what is left of the budget
        }
    }

    @Test
    void jacobiGivesTheSingularValuesOfAKnownMatrix() {
        // columns of diag(3, 2, 1) rotated by an orthogonal 3×3 factor: singular values 3, 2, 1
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        double[][] cols = {{3 * c, 3 * s, 0, 0}, {-2 * s, 2 * c, 0, 0}, {0, 0, 1, 0}};
        double[] sigma = DeltaRank.singularValues(cols);
        assertEquals(3, sigma[0], 1e-14);
        assertEquals(2, sigma[1], 1e-14);
        assertEquals(1, sigma[2], 1e-14);
    }

    @Test
    void aRankAboveTheSketchIsNotGuessed() throws IOException {
        int m = 600;
        int n = 500;
        Random random = new Random(3);
        double[] delta = new double[m * n];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = random.nextGaussian();
        }
        DeltaRank.Source source = (first, a, b, len) -> {
            for (int i = 0; i < len; i++) {
                a[i] = delta[(int) first + i];
                b[i] = 0;
            }
        };
        DeltaRank.Estimate e = DeltaRank.estimate(new long[] {m, n}, org.ckptinspector.model.DType.FLOAT64,
                org.ckptinspector.model.DType.FLOAT64, source, 1,
                new org.ckptinspector.task.Progress(TaskMonitor.NONE, 1, ""));
        assertNull(e.rank());
        assertTrue(e.reason().startsWith("rank above"), e.reason());
    }
}
