package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.RenameRule;

/**
 * The output keys an export would write, computed live while the user edits rename rules: each chosen key with
 * the rules applied in order, and the rows whose output collides with another's or comes out empty (the export
 * would refuse both).
 */
public record RenamePreview(List<Row> rows) {

    /** What is wrong with an output key. */
    public enum Problem { NONE, COLLISION, EMPTY }

    /** One key before and after the rules. */
    public record Row(String source, String output, Problem problem) {}

    public RenamePreview {
        rows = List.copyOf(rows);
    }

    public static RenamePreview of(Collection<String> keys, List<RenameRule> rules) {
        List<String> outputs = new ArrayList<>();
        Map<String, Integer> uses = new HashMap<>();
        for (String k : keys) {
            String out = k;
            for (RenameRule r : rules) {
                out = r.apply(out);
            }
            outputs.add(out);
            uses.merge(out, 1, Integer::sum);
        }
        List<Row> rows = new ArrayList<>();
        int i = 0;
        for (String k : keys) {
            String out = outputs.get(i++);
            Problem p = out.isEmpty() ? Problem.EMPTY : uses.get(out) > 1 ? Problem.COLLISION : Problem.NONE;
            rows.add(new Row(k, out, p));
        }
        return new RenamePreview(rows);
    }

    /** Rows with a problem. */
    public long problems() {
        return rows.stream().filter(r -> r.problem() != Problem.NONE).count();
    }

    public boolean ok() {
        return problems() == 0;
    }
}
