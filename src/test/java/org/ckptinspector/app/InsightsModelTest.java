package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.InsightsModel.Load;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The detail pane's value tabs without a window: loading states, laziness, cancelling and the cache. */
class InsightsModelTest {
    private static final String SIMPLE = "safetensors/simple_model.safetensors";

    private Checkpoint checkpoint;
    private final Queued runner = new Queued();
    private final Recorder seen = new Recorder();
    private final InsightsModel<InsightsModel.Statistics, HeatMapData> model =
            new InsightsModel<>(runner, t -> Optional.empty(), s -> s, h -> h);

    @BeforeEach
    void open() throws Exception {
        checkpoint = CheckpointOpener.open(Fixtures.file("torch-2.13", SIMPLE));
        model.setListener(seen);
    }

    @AfterEach
    void close() throws Exception {
        checkpoint.close();
    }

    private TensorRef tensor(String key) {
        return checkpoint.tensor(key).orElseThrow();
    }

    @Test
    void statisticsLoadInTheBackgroundAndAreTorchs() {
        assertTrue(model.select(tensor("fc1.weight")).isEmpty());
        assertEquals(List.of("loading"), seen.statistics);
        runner.runAll();
        assertEquals(List.of("loading", "ready"), seen.statistics);
        JsonNode truth = manifestTensor("fc1.weight").get("stats");
        InsightsModel.Statistics s = seen.lastStatistics;
        assertEquals(truth.get("min").asDouble(), s.a().min(), 1e-7);
        assertEquals(truth.get("max").asDouble(), s.a().max(), 1e-7);
        assertEquals(truth.get("mean").asDouble(), s.a().mean(), 1e-7);
        assertEquals(truth.get("finite_count").asLong(), java.util.Arrays.stream(s.a().histogram().counts()).sum());
        assertEquals("fc1.weight", s.nameA());
    }

    @Test
    void valuesAndHeatMapLoadOnlyWhenAskedAndOnce() {
        model.select(tensor("fc1.weight"));
        runner.runAll();
        assertTrue(seen.values.isEmpty() && seen.heat.isEmpty(), "nothing read before the tab is opened");
        model.askValues();
        model.askValues();
        model.askHeatMap();
        assertEquals(2, runner.queue.size(), "each once");
        runner.runAll();
        assertEquals(List.of("loading", "ready"), seen.values);
        assertEquals(List.of("loading", "ready"), seen.heat);
        assertEquals(5, seen.lastValues.firstPage().rows(), "the [5, 10] weight's rows");
        assertEquals(10, seen.lastValues.firstPage().cols());
    }

    @Test
    void selectingAnotherTensorCancelsTheLastOnesWorkAndIgnoresItsResult() {
        model.select(tensor("fc1.weight"));
        model.askValues();
        List<Queued.Job> first = List.copyOf(runner.queue);
        model.select(tensor("fc2.weight"));
        assertTrue(first.stream().allMatch(j -> j.cancelled), "the first selection's work is cancelled");
        runner.queue.removeAll(first);
        first.forEach(Queued.Job::completeAnyway);
        assertEquals(List.of("loading", "loading"), seen.statistics, "a late result of fc1 is not shown");
        assertEquals(List.of("loading"), seen.values);
        runner.runAll();
        assertEquals("fc2.weight", seen.lastStatistics.a().key());
    }

    @Test
    void goingBackToATensorShowsItsStatisticsAtOnce() {
        model.select(tensor("fc1.weight"));
        runner.runAll();
        model.select(tensor("fc2.weight"));
        runner.runAll();
        model.select(tensor("fc1.weight"));
        assertTrue(runner.queue.isEmpty(), "nothing to compute");
        assertEquals("ready", seen.statistics.get(seen.statistics.size() - 1));
        model.setBins(10);
        assertEquals(1, runner.queue.size(), "other bins are computed");
    }

    @Test
    void sideBShowsTheCounterpartsValuesAndDropsTheLateValuesOfA() {
        // fc2.weight stands in for fc1.weight's counterpart in B: what matters is which tensor is read
        TensorRef a = tensor("fc1.weight");
        TensorRef b = tensor("fc2.weight");
        InsightsModel<InsightsModel.Statistics, HeatMapData> compared = new InsightsModel<>(runner,
                t -> t == a ? Optional.of(new Comparison(b, null, "changed")) : Optional.empty(), s -> s, h -> h);
        compared.setListener(seen);
        compared.select(a);
        runner.runAll();
        compared.askValues();
        List<Queued.Job> ofA = List.copyOf(runner.queue);
        compared.setSide(InsightsModel.Side.B);
        assertEquals(b, compared.shown());
        runner.queue.removeAll(ofA);
        ofA.forEach(Queued.Job::completeAnyway);
        assertEquals(List.of("loading", "loading"), seen.values, "a late result of A is not shown on side B");
        runner.runAll();
        assertEquals(List.of("loading", "loading", "ready"), seen.values);
        assertEquals(b, seen.lastValues.tensor());
        // the side stays; a tensor without a counterpart shows its own values
        compared.select(b);
        assertEquals(InsightsModel.Side.B, compared.side());
        assertEquals(b, compared.shown());
        assertTrue(compared.counterpart().isEmpty());
    }

    @Test
    void aTensorWithoutValuesSaysWhyAndStartsNothing() throws Exception {
        try (Checkpoint meta = CheckpointOpener.open(Fixtures.file("torch-2.13", "meta_tensors.pt"))) {
            Optional<String> why = model.select(meta.tensor("meta_weight").orElseThrow());
            assertTrue(why.isPresent());
            assertTrue(runner.queue.isEmpty());
            assertTrue(seen.statistics.isEmpty());
        }
    }

    private static JsonNode manifestTensor(String key) {
        for (JsonNode f : Fixtures.manifest("torch-2.13").get("files")) {
            if (f.get("file").asText().equals(SIMPLE)) {
                for (JsonNode t : f.get("tensors")) {
                    if (t.get("path_str").asText().equals(key)) {
                        return t;
                    }
                }
            }
        }
        throw new AssertionError("no manifest tensor " + key);
    }

    /** A runner that queues the work until the test runs it, as the background executor would later. */
    private static final class Queued implements TaskRunner {
        final List<Job> queue = new ArrayList<>();

        final class Job {
            final Runnable body;
            boolean cancelled;

            Job(Runnable body) {
                this.body = body;
            }

            void completeAnyway() {
                body.run();
            }
        }

        @Override
        public <T> Handle run(String title, Work<T> work, Consumer<T> ok, Consumer<Throwable> err, Runnable cancel) {
            Job j = new Job(() -> {
                try {
                    ok.accept(work.run(TaskMonitor.NONE));
                } catch (Exception e) {
                    err.accept(e);
                }
            });
            queue.add(j);
            return () -> j.cancelled = true;
        }

        @Override
        public <T> Handle runQuietly(String title, Work<T> work, Consumer<T> ok, Consumer<Throwable> err) {
            return run(title, work, ok, err, () -> { });
        }

        void runAll() {
            while (!queue.isEmpty()) {
                Job j = queue.remove(0);
                if (!j.cancelled) {
                    j.body.run();
                }
            }
        }
    }

    private static final class Recorder implements InsightsModel.Listener<InsightsModel.Statistics, HeatMapData> {
        final List<String> statistics = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        final List<String> heat = new ArrayList<>();
        InsightsModel.Statistics lastStatistics;
        PreviewGrid lastValues;

        private static String name(Load<?> l) {
            assertTrue(!(l instanceof Load.Failed<?> f), () -> "failed: " + ((Load.Failed<?>) l).message());
            return l instanceof Load.Ready<?> ? "ready" : "loading";
        }

        @Override
        public void statistics(Load<InsightsModel.Statistics> state) {
            statistics.add(name(state));
            if (state instanceof Load.Ready<InsightsModel.Statistics> r) {
                lastStatistics = r.value();
            }
        }

        @Override
        public void values(Load<PreviewGrid> state) {
            values.add(name(state));
            if (state instanceof Load.Ready<PreviewGrid> r) {
                lastValues = r.value();
            }
        }

        @Override
        public void heatMap(Load<HeatMapData> state) {
            heat.add(name(state));
            assertInstanceOf(Load.class, state);
        }
    }
}
