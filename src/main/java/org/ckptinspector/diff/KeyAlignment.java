package org.ckptinspector.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.model.TensorRef;

/**
 * Lines up A's keys with B's. Rename rules come first; then, when asked, the choice of sub-dict of a nested
 * checkpoint ({@code state_dict}, {@code model}, …) and of wrapper prefix ({@code module.} from DataParallel/DDP,
 * {@code _orig_mod.} from torch.compile, {@code model.} from Lightning) on either side that lines up the most
 * keys. Names that already match win: a prefix rule is applied only when it matches strictly more keys. A's
 * tensors are then named as B would name them.
 */
public final class KeyAlignment {
    /** Prefixes that wrappers put in front of every key of the wrapped module. */
    public static final List<String> WRAPPER_PREFIXES = List.of("module.", "_orig_mod.", "model.");
    private static final int MAX_SUB_DICTS = 8;
    private static final int MAX_PREFIXES = 6;

    private KeyAlignment() {}

    /**
     * The two sides under report names.
     *
     * @param description null when the names were compared as they are, else what was applied
     * @param a A's tensors that take part, named in B's convention, in A's order
     * @param b B's tensors that take part, in B's order
     */
    public record Result(String description, List<NamedTensor> a, List<NamedTensor> b) {
        public Result {
            a = List.copyOf(a);
            b = List.copyOf(b);
        }
    }

    /**
     * Aligns the keys; a key that repeats within one file counts once (its first tensor).
     *
     * @throws IllegalArgumentException when the rename rules give two of A's tensors the same name
     */
    public static Result align(List<TensorRef> a, List<TensorRef> b, DiffOptions options) {
        List<NamedTensor> na = renamed(unique(a), options.renames());
        List<NamedTensor> nb = unique(b);
        String renames = options.renames().isEmpty() ? null
                : "A's keys renamed by " + String.join(", ", options.renames().stream().map(Object::toString)
                        .toList());
        if (!options.alignPrefixes()) {
            return new Result(renames, na, nb);
        }
        Choice best = bestChoice(na, nb);
        if (best == null) {
            return new Result(renames, na, nb);
        }
        List<String> parts = new ArrayList<>();
        if (renames != null) {
            parts.add(renames);
        }
        parts.addAll(best.describe(na.size(), nb.size()));
        return new Result(String.join("; ", parts), best.namedA(), best.namedB());
    }

    private static List<NamedTensor> unique(List<TensorRef> tensors) {
        Map<String, NamedTensor> byKey = new LinkedHashMap<>();
        for (TensorRef t : tensors) {
            byKey.putIfAbsent(t.key(), new NamedTensor(t.key(), t));
        }
        return new ArrayList<>(byKey.values());
    }

    private static List<NamedTensor> renamed(List<NamedTensor> tensors, List<RenameRule> rules) {
        if (rules.isEmpty()) {
            return tensors;
        }
        Map<String, String> firstOwner = new HashMap<>();
        List<NamedTensor> out = new ArrayList<>();
        for (NamedTensor t : tensors) {
            String name = t.name();
            for (RenameRule r : rules) {
                name = r.apply(name);
            }
            String before = firstOwner.putIfAbsent(name, t.name());
            if (before != null) {
                throw new IllegalArgumentException("the rename rules give A's keys '" + before + "' and '"
                        + t.name() + "' the same name '" + name + "'");
            }
            out.add(new NamedTensor(name, t.tensor()));
        }
        return out;
    }

    /** The best sub-dicts and prefixes, or null when the names as they are match at least as many keys. */
    private static Choice bestChoice(List<NamedTensor> a, List<NamedTensor> b) {
        int asTheyAre = new Choice(a, b, null, null, "", "").matches();
        String[] subDicts = bestSubDicts(a, b);
        List<NamedTensor> la = select(a, subDicts[0]);
        List<NamedTensor> lb = select(b, subDicts[1]);
        Choice best = null;
        int bestMatches = asTheyAre;
        for (String pa : prefixCandidates(la)) {
            for (String pb : prefixCandidates(lb)) {
                Choice c = new Choice(la, lb, subDicts[0], subDicts[1], pa, pb);
                int m = c.matches();
                if (m > bestMatches) {
                    best = c;
                    bestMatches = m;
                }
            }
        }
        return best;
    }

    /**
     * The sub-dict of each side (null: the whole file) whose keys, wrapper prefixes peeled, overlap most; among
     * equals, the one that leaves fewest keys without a partner.
     */
    private static String[] bestSubDicts(List<NamedTensor> a, List<NamedTensor> b) {
        String[] best = {null, null};
        int bestOverlap = -1;
        int bestUnmatched = Integer.MAX_VALUE;
        for (String sa : subDictCandidates(a)) {
            Set<String> peeledA = peeled(select(a, sa));
            for (String sb : subDictCandidates(b)) {
                Set<String> peeledB = peeled(select(b, sb));
                int overlap = 0;
                for (String n : peeledB) {
                    if (peeledA.contains(n)) {
                        overlap++;
                    }
                }
                int unmatched = peeledA.size() + peeledB.size() - 2 * overlap;
                if (overlap > bestOverlap || overlap == bestOverlap && unmatched < bestUnmatched) {
                    best = new String[] {sa, sb};
                    bestOverlap = overlap;
                    bestUnmatched = unmatched;
                }
            }
        }
        return best;
    }

    /** null (the whole file) first, then the top-level dict keys that hold the most tensors. */
    private static List<String> subDictCandidates(List<NamedTensor> side) {
        Map<String, Integer> counts = new HashMap<>();
        for (NamedTensor t : side) {
            String top = topLevelDict(t);
            if (top != null) {
                counts.merge(top, 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>();
        out.add(null);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_SUB_DICTS)
                .forEach(e -> out.add(e.getKey()));
        return out;
    }

    /** The dict key at the root of a nested checkpoint that holds this tensor, when its name starts with it. */
    private static String topLevelDict(NamedTensor t) {
        List<Object> path = t.tensor().path();
        if (path.size() >= 2 && path.get(0) instanceof String s && t.name().startsWith(s + ".")) {
            return s;
        }
        return null;
    }

    private static List<NamedTensor> select(List<NamedTensor> side, String subDict) {
        if (subDict == null) {
            return side;
        }
        List<NamedTensor> out = new ArrayList<>();
        for (NamedTensor t : side) {
            if (subDict.equals(topLevelDict(t))) {
                out.add(new NamedTensor(t.name().substring(subDict.length() + 1), t.tensor()));
            }
        }
        return out;
    }

    private static Set<String> peeled(List<NamedTensor> side) {
        Set<String> out = new HashSet<>();
        for (NamedTensor t : side) {
            String n = t.name();
            String p;
            while (!(p = wrapperPrefixOf(n)).isEmpty()) {
                n = n.substring(p.length());
            }
            out.add(n);
        }
        return out;
    }

    /** "" and every run of wrapper prefixes that starts some key ({@code module.}, {@code module._orig_mod.}). */
    private static Set<String> prefixCandidates(List<NamedTensor> side) {
        Set<String> out = new LinkedHashSet<>();
        out.add("");
        for (NamedTensor t : side) {
            String rest = t.name();
            StringBuilder prefix = new StringBuilder();
            String p;
            while (!(p = wrapperPrefixOf(rest)).isEmpty()) {
                prefix.append(p);
                rest = rest.substring(p.length());
                out.add(prefix.toString());
                if (out.size() >= MAX_PREFIXES) {
                    return out;
                }
            }
        }
        return out;
    }

    private static String wrapperPrefixOf(String name) {
        for (String p : WRAPPER_PREFIXES) {
            if (name.startsWith(p) && name.length() > p.length()) {
                return p;
            }
        }
        return "";
    }

    /** One way of lining the sides up: a sub-dict and a prefix to take off on each side. */
    private record Choice(List<NamedTensor> a, List<NamedTensor> b, String subDictA, String subDictB,
            String prefixA, String prefixB) {

        /** Keys the two sides share under this choice, or -1 when it gives two tensors of a side one name. */
        int matches() {
            Map<String, NamedTensor> ca = canonical(a, prefixA);
            Map<String, NamedTensor> cb = canonical(b, prefixB);
            if (ca == null || cb == null) {
                return -1;
            }
            int n = 0;
            for (String k : ca.keySet()) {
                if (cb.containsKey(k)) {
                    n++;
                }
            }
            return n;
        }

        List<NamedTensor> namedB() {
            return b;
        }

        /** A's tensors under B's name for the same canonical key, or under B's prefix where B lacks the key. */
        List<NamedTensor> namedA() {
            Map<String, NamedTensor> cb = canonical(b, prefixB);
            List<NamedTensor> out = new ArrayList<>();
            for (Map.Entry<String, NamedTensor> e : canonical(a, prefixA).entrySet()) {
                NamedTensor match = cb.get(e.getKey());
                String name = match != null ? match.name() : prefixB + e.getKey();
                out.add(new NamedTensor(name, e.getValue().tensor()));
            }
            return out;
        }

        List<String> describe(int totalA, int totalB) {
            List<String> parts = new ArrayList<>();
            if (subDictA != null) {
                parts.add(subDictPart("A", subDictA, totalA - a.size()));
            }
            if (subDictB != null) {
                parts.add(subDictPart("B", subDictB, totalB - b.size()));
            }
            if (!prefixA.isEmpty() && prefixB.isEmpty()) {
                parts.add("prefix \"" + prefixA + "\" removed from A's keys");
            } else if (prefixA.isEmpty() && !prefixB.isEmpty()) {
                parts.add("prefix \"" + prefixB + "\" added to A's keys");
            } else if (!prefixA.isEmpty()) {
                parts.add("A's prefix \"" + prefixA + "\" replaced by \"" + prefixB + "\"");
            }
            return parts;
        }

        private static String subDictPart(String side, String subDict, int leftOut) {
            return side + "'s sub-dict \"" + subDict + "\" compared"
                    + (leftOut > 0 ? " (" + leftOut + " other tensors of " + side + " left out)" : "");
        }

        private static Map<String, NamedTensor> canonical(List<NamedTensor> side, String prefix) {
            Map<String, NamedTensor> out = new LinkedHashMap<>();
            for (NamedTensor t : side) {
                String n = t.name();
                String c = !prefix.isEmpty() && n.startsWith(prefix) ? n.substring(prefix.length()) : n;
                if (out.putIfAbsent(c, t) != null) {
                    return null;
                }
            }
            return out;
        }
    }
}
