package org.ckptinspector.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.training.CheckpointValues;
import org.ckptinspector.training.OptimizerMapping;
import org.ckptinspector.training.OptimizerStateDict;
import org.ckptinspector.training.TrainingState;
import org.ckptinspector.training.WeightsOnlyVerdict;

/** The lines of the text {@code inspect} report about training state, values and weights_only loading. */
public final class TrainingText {
    /** Values listed before the rest is only counted. */
    static final int MAX_VALUE_LINES = 60;

    private TrainingText() {}

    /**
     * {@code n} with commas between groups of three digits, as {@code %,d} prints it in the root locale; not
     * through a Formatter, whose first number loads the JDK's locale data into every text {@code inspect}.
     */
    static String grouped(long n) {
        String digits = Long.toString(n);
        int sign = n < 0 ? 1 : 0;
        StringBuilder b = new StringBuilder(digits.length() + digits.length() / 3);
        for (int i = 0; i < digits.length(); i++) {
            if (i > sign && (digits.length() - i) % 3 == 0) {
                b.append(',');
            }
            b.append(digits.charAt(i));
        }
        return b.toString();
    }

    /** Model parameters, the byte breakdown and each optimizer with its groups' parameters. */
    public static List<String> training(TrainingState s) {
        List<String> out = new ArrayList<>();
        out.add("model parameters: " + grouped(s.parameterCount())
                + (s.modelKey() == null ? "" : " (in " + s.modelKey() + ")") + "; bytes: model "
                + grouped(s.breakdown().model()) + ", optimizer " + grouped(s.breakdown().optimizer()) + ", other "
                + grouped(s.breakdown().other()));
        for (TrainingState.Optimizer o : s.optimizers()) {
            OptimizerMapping m = o.mapping();
            out.add("optimizer " + o.key() + ": parameters " + m.status().id()
                    + (m.reason() == null ? "" : " (" + m.reason() + ")"));
            List<OptimizerStateDict.Group> groups = o.stateDict().groups();
            for (int g = 0; g < groups.size(); g++) {
                StringJoiner hyper = new StringJoiner(", ");
                for (Map.Entry<String, PyValue> e : groups.get(g).hyperParameters().entrySet()) {
                    hyper.add(e.getKey() + "=" + CheckpointValues.text(e.getValue()));
                }
                StringJoiner params = new StringJoiner(", ");
                groups.get(g).ids().forEach(id -> params.add(m.names().getOrDefault(id, "#" + id)));
                out.add("  group " + g + " (" + hyper + "): " + params);
            }
            m.candidates().forEach((id, names) -> out.add("  #" + id + " is one of " + String.join(", ", names)));
        }
        return out;
    }

    /** The non-tensor values as {@code path = value}, without the optimizers' groups (shown above). */
    public static List<String> values(PyValue metadata, TrainingState s) {
        List<String> lines = new ArrayList<>();
        int skipped = 0;
        for (CheckpointValues.Leaf l : CheckpointValues.leaves(metadata)) {
            if (isEmptyContainer(l.value()) || s.optimizers().stream()
                    .anyMatch(o -> l.path().startsWith(o.key() + ".param_groups."))) {
                continue;
            }
            if (lines.size() < MAX_VALUE_LINES) {
                lines.add("  " + l.path() + " = " + CheckpointValues.text(l.value()));
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            lines.add("  … " + skipped + " more values (inspect --json lists them all)");
        }
        if (!lines.isEmpty()) {
            lines.add(0, "values:");
        }
        return lines;
    }

    /** Whether torch ≥ 2.6 loads the file, and what to allow when it does not. */
    public static List<String> weightsOnly(WeightsOnlyVerdict v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.loads()) {
            out.add("torch >= 2.6 torch.load (weights_only=True): loads");
            return out;
        }
        out.add("torch >= 2.6 torch.load (weights_only=True): fails"
                + (v.blocking().isEmpty() ? "" : ", blocked by " + String.join(", ", v.blocking())));
        if (v.snippet() != null) {
            out.add("  to allow them (only for a file you trust):");
            v.snippet().lines().forEach(l -> out.add("    " + l));
        } else if (v.reason() != null) {
            out.add("  " + v.reason());
        }
        return out;
    }

    private static boolean isEmptyContainer(PyValue v) {
        return v instanceof PyValue.Dict d && d.size() == 0 || v instanceof PyValue.PyList l && l.size() == 0
                || v instanceof PyValue.Tuple t && t.size() == 0;
    }
}
