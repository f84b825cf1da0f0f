package org.ckptinspector.trajectory;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;

/**
 * The order of a run's checkpoints: by the {@code global_step}, {@code step} or {@code epoch} every file names (the
 * first of these that all files hold), else by the natural order of their file names ({@code step_2} before
 * {@code step_10}).
 */
final class RunOrder {
    static final String BY_NAME = "file name";
    private static final List<String> STEP_KEYS = List.of("global_step", "step", "epoch");

    /** Files that name the same step keep their natural name order. */
    static final Comparator<Path> NATURAL = Comparator.comparing((Path p) -> String.valueOf(p.getFileName()),
            RunOrder::compareNatural).thenComparing(Path::toString, RunOrder::compareNatural);

    private RunOrder() {}

    /** The ordered steps, and what orders them. */
    record Ordered(List<Integer> order, List<RunStep> steps, String orderedBy) {}

    static Ordered of(List<Checkpoint> checkpoints) {
        List<Integer> byName = new ArrayList<>();
        for (int i = 0; i < checkpoints.size(); i++) {
            byName.add(i);
        }
        byName.sort(Comparator.comparing(i -> checkpoints.get(i).file(), NATURAL));
        for (String key : STEP_KEYS) {
            Long[] steps = new Long[checkpoints.size()];
            boolean all = true;
            for (int i = 0; i < steps.length && all; i++) {
                steps[i] = stepOf(checkpoints.get(i), key).orElse(null);
                all = steps[i] != null;
            }
            if (all) {
                List<Integer> order = new ArrayList<>(byName);
                order.sort(Comparator.comparing(i -> steps[i]));
                return new Ordered(order, order.stream().map(i -> new RunStep(checkpoints.get(i).file(), steps[i]))
                        .toList(), key);
            }
        }
        return new Ordered(byName, byName.stream().map(i -> new RunStep(checkpoints.get(i).file(), null)).toList(),
                BY_NAME);
    }

    /** An integer named {@code key} at the top of the file, or in its metadata (safetensors keeps strings). */
    static Optional<Long> stepOf(Checkpoint c, String key) {
        for (PyValue holder : new PyValue[] {c.root(), c.metadata()}) {
            if (holder instanceof PyValue.Dict d) {
                Optional<Long> v = integer(d.get(key));
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> integer(PyValue v) {
        if (v instanceof PyValue.Int i && i.value().bitLength() < 64) {
            return Optional.of(i.value().longValue());
        }
        if (v instanceof PyValue.Str s && s.value().matches("-?[0-9]{1,18}")) {
            return Optional.of(Long.parseLong(s.value()));
        }
        return Optional.empty();
    }

    /** Runs of digits compare as numbers, everything else character by character. */
    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int ei = digitsEnd(a, i);
                int ej = digitsEnd(b, j);
                int c = new BigInteger(a.substring(i, ei)).compareTo(new BigInteger(b.substring(j, ej)));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int rest = Integer.compare(a.length() - i, b.length() - j);
        return rest != 0 ? rest : a.compareTo(b);
    }

    private static int digitsEnd(String s, int from) {
        int k = from;
        while (k < s.length() && Character.isDigit(s.charAt(k))) {
            k++;
        }
        return k;
    }
}
