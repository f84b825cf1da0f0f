package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.diff.CheckpointDiff;
import org.ckptinspector.diff.DiffOptions;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.ValueDiff;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The non-tensor values that differ between two training checkpoints, against the leaves Python itself finds
 * different in the saved objects (make_training.py); a long sequence (the Python RNG state) is one value.
 */
class ValueDiffTest {
    @ParameterizedTest
    @ValueSource(strings = {"torch-1.13", "torch-2.13"})
    void valuesThatDifferAreThoseTorchSaved(String version) throws Exception {
        JsonNode expected = TrainingFixtures.manifest(version).get("adamw.pt vs adamw_b.pt");
        try (Checkpoint a = CheckpointOpener.open(TrainingFixtures.file(version, "adamw.pt"));
                Checkpoint b = CheckpointOpener.open(TrainingFixtures.file(version, "adamw_b.pt"))) {
            DiffResult r = CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE);
            ValueDiff v = r.values();
            List<String> ours = v.changed().stream().map(ValueDiff.Changed::path).toList();
            List<String> theirs = new ArrayList<>();
            expected.get("changed").forEach(n -> theirs.add(n.asText()));
            for (String p : theirs) {
                assertTrue(ours.stream().anyMatch(o -> p.equals(o) || p.startsWith(o + ".")), p + " not in " + ours);
            }
            for (String o : ours) {
                assertTrue(theirs.stream().anyMatch(p -> p.equals(o) || p.startsWith(o + ".")), o + " is not changed");
            }
            assertEquals(List.of("note"), v.onlyInB());
            assertEquals(List.of(), v.onlyInA());
            ValueDiff.Changed epoch = v.changed().stream().filter(c -> c.path().equals("epoch")).findFirst()
                    .orElseThrow();
            assertEquals(PyValue.Int.of(3), epoch.a());
            assertEquals(PyValue.Int.of(99), epoch.b());
            assertFalse(r.isIdentical());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"torch-1.13", "torch-2.13"})
    void aFileHasNoValueDifferencesWithItself(String version) throws Exception {
        try (Checkpoint a = CheckpointOpener.open(TrainingFixtures.file(version, "adamw.pt"));
                Checkpoint b = CheckpointOpener.open(TrainingFixtures.file(version, "adamw.pt"))) {
            DiffResult r = CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE);
            assertTrue(r.values().isEmpty(), r.values().toString());
            assertTrue(r.isIdentical());
        }
    }
}
