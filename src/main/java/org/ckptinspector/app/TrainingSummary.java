package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.training.CheckpointValues;
import org.ckptinspector.training.OptimizerStateDict;
import org.ckptinspector.training.TrainingState;

/**
 * The training summary of a checkpoint: where the run was (epoch, step, loss, learning rate, each with the value's
 * path), the model's parameters and how the bytes divide between model, optimizer state and the rest, and each
 * optimizer with its parameter mapping.
 *
 * @param facts the lines to show, in order
 */
public record TrainingSummary(List<Fact> facts) {
    /** The names each figure goes by in training scripts, Lightning and HF Trainer, most specific first. */
    private static final List<List<String>> FIGURES = List.of(List.of("epoch", "current_epoch"),
            List.of("global_step", "step", "iteration"), List.of("loss", "train_loss"), List.of("lr", "learning_rate"));
    private static final List<String> LABELS = List.of("epoch", "step", "loss", "lr");

    public TrainingSummary {
        facts = List.copyOf(facts);
    }

    /** The summary of {@code c}, whose training state is {@code s}. */
    public static TrainingSummary of(Checkpoint c, TrainingState s) {
        List<CheckpointValues.Leaf> leaves = CheckpointValues.leaves(c.metadata()).stream()
                .filter(l -> s.optimizers().stream().noneMatch(o -> l.path().startsWith(o.key() + ".")))
                .toList();
        List<Fact> facts = new ArrayList<>();
        for (int i = 0; i < FIGURES.size(); i++) {
            String label = LABELS.get(i);
            if (label.equals("lr") && !s.optimizers().isEmpty()) {
                facts.add(optimizerLr(s.optimizers().get(0)));
                continue;
            }
            CheckpointValues.Leaf found = figure(leaves, FIGURES.get(i));
            facts.add(new Fact(label, found == null ? "not in the file"
                    : CheckpointValues.text(found.value()) + "   (" + found.path() + ")"));
        }
        facts.add(new Fact("model parameters", Formats.count(s.parameterCount())
                + (s.modelKey() == null ? "" : "   (in " + s.modelKey() + ")")));
        facts.add(new Fact("sizes", "model " + Formats.bytes(s.breakdown().model()) + "  ·  optimizer state "
                + Formats.bytes(s.breakdown().optimizer()) + "  ·  other tensors " + Formats.bytes(s.breakdown().other())));
        for (TrainingState.Optimizer o : s.optimizers()) {
            int ids = o.stateDict().ids().size();
            facts.add(new Fact("optimizer", o.key() + ": " + ids + " parameters in " + o.stateDict().groups().size()
                    + " group" + (o.stateDict().groups().size() == 1 ? "" : "s") + ", names "
                    + o.mapping().status().id() + (o.mapping().reason() == null ? "" : ": " + o.mapping().reason())));
        }
        return new TrainingSummary(facts);
    }

    /** The first group's learning rate: the rate the optimizer would step with next. */
    private static Fact optimizerLr(TrainingState.Optimizer o) {
        List<OptimizerStateDict.Group> groups = o.stateDict().groups();
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < groups.size(); g++) {
            PyValue lr = groups.get(g).hyperParameters().get("lr");
            text.append(g == 0 ? "" : ", ").append(lr == null ? "-" : CheckpointValues.text(lr));
        }
        return new Fact("lr", text + "   (" + o.key() + ".param_groups" + (groups.size() == 1 ? ".0" : ", by group")
                + ")");
    }

    /**
     * The number named by the first of {@code names} the values have: the shallowest such value, the last of
     * equally deep ones (the latest entry of a log history).
     */
    private static CheckpointValues.Leaf figure(List<CheckpointValues.Leaf> leaves, List<String> names) {
        for (String name : names) {
            CheckpointValues.Leaf best = null;
            int bestDepth = Integer.MAX_VALUE;
            for (CheckpointValues.Leaf l : leaves) {
                String last = l.path().substring(l.path().lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
                if (!last.equals(name) || !(l.value() instanceof PyValue.Int || l.value() instanceof PyValue.Float)) {
                    continue;
                }
                int depth = (int) l.path().chars().filter(ch -> ch == '.').count();
                if (depth <= bestDepth) {
                    best = l;
                    bestDepth = depth;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }
}
