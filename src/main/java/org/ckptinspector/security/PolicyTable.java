package org.ckptinspector.security;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy's table of dotted paths: each names a module, a class or a callable and says what it is, either for
 * that path only (a value class inside a dangerous module) or for it and every attribute path below it (a whole
 * module, a callable). A path's rule is its own exact rule, else the rule of its longest prefix that covers paths
 * below it.
 */
final class PolicyTable {
    /** What the table says about a path: a class, and whether it also holds for every path below. */
    record Rule(GlobalClass verdict, boolean coversBelow) {}

    private final Map<String, Rule> rules;
    /** Every first segment of a path in the table: the module names an attribute may alias. */
    private final Set<String> roots;
    /** Every path in the table and every prefix of one. */
    private final Set<String> known;

    private PolicyTable(Map<String, Rule> rules) {
        this.rules = Map.copyOf(rules);
        Set<String> r = new HashSet<>();
        Set<String> k = new HashSet<>();
        for (String path : rules.keySet()) {
            int dot = path.indexOf('.');
            r.add(dot < 0 ? path : path.substring(0, dot));
            for (int d = path.indexOf('.'); d >= 0; d = path.indexOf('.', d + 1)) {
                k.add(path.substring(0, d));
            }
            k.add(path);
        }
        this.roots = Set.copyOf(r);
        this.known = Set.copyOf(k);
    }

    /** The rule for a path of segments, or null when the table says nothing about it. */
    Rule lookup(List<String> segments) {
        String whole = String.join(".", segments);
        Rule exact = rules.get(whole);
        if (exact != null) {
            return exact;
        }
        for (int n = segments.size() - 1; n >= 1; n--) {
            Rule r = rules.get(String.join(".", segments.subList(0, n)));
            if (r != null && r.coversBelow()) {
                return r;
            }
        }
        return null;
    }

    /** Whether {@code name} is the top-level module of some path in the table. */
    boolean isRoot(String name) {
        return roots.contains(name);
    }

    /** Whether the table names this path or a path below it (a real submodule, not an alias). */
    boolean knows(List<String> segments) {
        return known.contains(String.join(".", segments));
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects rules; a later rule for the same path replaces an earlier one. */
    static final class Builder {
        private final Map<String, Rule> rules = new HashMap<>();

        /** These paths and everything below them. */
        Builder dangerous(String... paths) {
            return put(new Rule(GlobalClass.DANGEROUS, true), paths);
        }

        /** Exactly these paths; an attribute path through them is judged by the rules above them. */
        Builder unknown(String... paths) {
            return put(new Rule(GlobalClass.UNKNOWN, false), paths);
        }

        /** These paths and everything below them: modules that only rebuild values inside a dangerous package. */
        Builder unknownBelow(String... paths) {
            return put(new Rule(GlobalClass.UNKNOWN, true), paths);
        }

        /** Exactly these paths. */
        Builder safe(String... paths) {
            return put(new Rule(GlobalClass.SAFE, false), paths);
        }

        private Builder put(Rule rule, String... paths) {
            for (String p : paths) {
                rules.put(p, rule);
            }
            return this;
        }

        PolicyTable build() {
            return new PolicyTable(rules);
        }
    }
}
