package org.ckptinspector.trajectory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Adam run written by torch 2.13 (make_trajectory_fixtures.py), against torch's own float64 figures. */
class TrajectoryTest {
    static final Path DIR = Path.of("src/test/resources/trajectory");
    static final double REL = 1e-9;

    static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile()).get("run");
    }

    static TrajectoryResult run(int threads) throws IOException {
        return Trajectory.compute(RunFiles.expand(List.of(DIR.resolve("run").toString())), threads,
                TaskMonitor.NONE);
    }

    @Test
    void ordersTheRandomlyNamedFilesByGlobalStep() throws IOException {
        JsonNode m = manifest();
        TrajectoryResult r = run(2);
        assertEquals("global_step", r.orderedBy());
        List<String> files = new ArrayList<>();
        m.get("files").forEach(f -> files.add(f.asText()));
        assertEquals(files, r.steps().stream().map(s -> s.file().getFileName().toString()).toList());
        List<Long> steps = new ArrayList<>();
        m.get("steps").forEach(s -> steps.add(s.asLong()));
        assertEquals(steps, r.steps().stream().map(RunStep::step).toList());
    }

    @Test
    void everyFigureEqualsTorchs() throws IOException {
        JsonNode m = manifest();
        for (int threads : new int[] {1, 3}) {
            TrajectoryResult r = run(threads);
            Map<String, TensorTrajectory> tensors = r.tensors().stream()
                    .collect(Collectors.toMap(TensorTrajectory::key, Function.identity()));
            assertEquals(m.get("tensors").size(), r.tensors().size());
            for (JsonNode e : m.get("tensors")) {
                TensorTrajectory t = tensors.get(e.get("key").asText());
                assertNotNull(t, e.get("key").asText());
                assertEquals(e.get("frozen").asBoolean(), t.frozen(), t.key());
                assertEquals(e.get("first_nonfinite").isNull() ? null : e.get("first_nonfinite").asInt(),
                        t.firstNonfinite(), t.key());
                List<Integer> absent = new ArrayList<>();
                e.get("absent").forEach(a -> absent.add(a.asInt()));
                assertEquals(absent, t.absent(), t.key());
                assertSeries(e, t.series(), t.key());
            }
            Map<String, ModuleTrajectory> modules = r.modules().stream()
                    .collect(Collectors.toMap(ModuleTrajectory::module, Function.identity()));
            assertEquals(m.get("modules").size(), r.modules().size());
            for (JsonNode e : m.get("modules")) {
                ModuleTrajectory mt = modules.get(e.get("module").asText());
                assertNotNull(mt, e.get("module").asText());
                assertSeries(e, mt.series(), mt.module());
            }
        }
    }

    @Test
    void findsTheFrozenEmbeddingAndTheNanStep() throws IOException {
        JsonNode m = manifest();
        TrajectoryResult r = run(2);
        List<String> frozen = r.tensors().stream().filter(TensorTrajectory::frozen).map(TensorTrajectory::key)
                .toList();
        assertEquals(List.of(m.get("frozen").get(0).asText()), frozen);
        int nanStep = m.get("nan_step").asInt();
        TensorTrajectory fc1 = r.tensors().stream().filter(t -> t.key().equals("state_dict.fc1.weight"))
                .findFirst().orElseThrow();
        assertEquals(nanStep, fc1.firstNonfinite());
        assertEquals(1L, fc1.nonfinite().get(nanStep));
        assertTrue(r.hasNonfinite());
        assertTrue(r.modules().stream().filter(x -> x.module().equals("state_dict.embed")).findFirst()
                .orElseThrow().frozen());
        assertEquals(nanStep, r.modules().stream().filter(x -> x.module().equals("state_dict.fc1")).findFirst()
                .orElseThrow().firstNonfinite());
    }

    private static void assertSeries(JsonNode expected, Series actual, String what) {
        for (Metric metric : Metric.values()) {
            JsonNode values = expected.get(metric.id());
            assertEquals(values.size(), actual.get(metric).size(), what + " " + metric.id());
            for (int i = 0; i < values.size(); i++) {
                Double got = actual.at(metric, i);
                String where = what + " " + metric.id() + "[" + i + "]";
                if (values.get(i).isNull()) {
                    assertNull(got, where);
                    continue;
                }
                double want = values.get(i).asDouble();
                assertNotNull(got, where);
                assertTrue(Math.abs(got - want) <= REL * Math.abs(want), where + ": " + got + " vs torch " + want);
            }
        }
    }

    @Test
    void stopsWhenCancelled() throws IOException {
        AtomicInteger reports = new AtomicInteger();
        TaskMonitor cancelAfterFirst = new TaskMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                reports.incrementAndGet();
            }

            @Override
            public boolean isCancelled() {
                return reports.get() > 3;
            }
        };
        assertThrows(CancelledException.class, () -> Trajectory.compute(
                RunFiles.expand(List.of(DIR.resolve("run").toString())), 2, cancelAfterFirst));
    }

    @Test
    void ordersByNaturalFileNameWithoutSteps(@TempDir Path tmp) throws IOException {
        Path base = DIR.resolve("lora/base.pt");
        Path tuned = DIR.resolve("lora/finetuned.pt");
        Files.copy(tuned, tmp.resolve("epoch_10.pt"));
        Files.copy(base, tmp.resolve("epoch_2.pt"));
        Files.writeString(tmp.resolve("notes.txt"), "not a checkpoint");
        TrajectoryResult r = Trajectory.compute(RunFiles.expand(List.of(tmp.toString())), 2, TaskMonitor.NONE);
        assertEquals("file name", r.orderedBy());
        assertEquals(List.of("epoch_2.pt", "epoch_10.pt"),
                r.steps().stream().map(s -> s.file().getFileName().toString()).toList());
        TensorTrajectory frozen = r.tensors().stream().filter(t -> t.key().equals("frozen.weight")).findFirst()
                .orElseThrow();
        assertTrue(frozen.frozen());
        TensorTrajectory q = r.tensors().stream().filter(t -> t.key().equals("q.weight")).findFirst()
                .orElseThrow();
        assertFalse(q.frozen());
        assertEquals(1.0, q.series().at(Metric.CHANGED_FRACTION, 1));
        List<Path> globbed = RunFiles.expand(List.of(tmp.resolve("epoch_*.pt").toString()));
        assertEquals(2, globbed.size());
    }

    @Test
    void naturalOrderComparesDigitRunsAsNumbers() {
        List<String> names = new ArrayList<>(List.of("step_10.pt", "step_2.pt", "step_1.pt", "step_002b.pt"));
        names.sort(RunOrder::compareNatural);
        assertEquals(List.of("step_1.pt", "step_2.pt", "step_002b.pt", "step_10.pt"), names);
    }

    @Test
    void refusesASingleCheckpoint() {
        assertThrows(IllegalArgumentException.class, () -> Trajectory.compute(
                List.of(DIR.resolve("lora/base.pt")), 1, TaskMonitor.NONE));
    }
}
