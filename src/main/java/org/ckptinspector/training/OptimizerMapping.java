package org.ckptinspector.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which model parameter each optimizer parameter id stands for. torch numbers ids across the param_groups in
 * order; each group holds its parameters in the model's order (a subsequence of {@code model.parameters()}), no
 * parameter is in two groups, and every state tensor except the step counter has its parameter's shape. All
 * assignments that satisfy this are counted: exactly one gives {@link Status#MAPPED}; several give
 * {@link Status#AMBIGUOUS} with, for the ids that differ between them, the names that fit — never a guess.
 *
 * @param status the outcome
 * @param names the parameter name of each id when mapped (empty otherwise)
 * @param candidates when ambiguous, the names that fit each id that is not settled (from at most
 *     {@value #MAX_LISTED} of the assignments)
 * @param reason why there is no mapping (no_fit, undecided), or why shapes alone had to decide it, else null
 */
public record OptimizerMapping(Status status, Map<Integer, String> names, Map<Integer, List<String>> candidates,
        String reason) {
    /** Assignments enumerated to collect the candidates of an ambiguous mapping. */
    static final int MAX_LISTED = 100;
    /** Distinct (parameter, progress) states searched before giving up; real models need far fewer. */
    static final int MAX_STATES = 200_000;
    /** Parameters beyond which the search (one level per parameter) is not tried. */
    static final int MAX_PARAMETERS = 2_000;

    /** The outcome of the assignment. */
    public enum Status {
        MAPPED("mapped"), AMBIGUOUS("ambiguous"), NO_FIT("no_fit"), UNDECIDED("undecided");

        private final String id;

        Status(String id) {
            this.id = id;
        }

        /** The name the JSON contract uses. */
        public String id() {
            return id;
        }
    }

    public OptimizerMapping {
        names = Collections.unmodifiableMap(new LinkedHashMap<>(names));
        candidates = Collections.unmodifiableMap(new LinkedHashMap<>(candidates));
    }

    /** The assignment of {@code optimizer}'s ids to {@code parameters} (the model's, in registration order). */
    public static OptimizerMapping solve(List<ModelParameter> parameters, OptimizerStateDict optimizer) {
        if (parameters.size() > MAX_PARAMETERS) {
            return new OptimizerMapping(Status.UNDECIDED, Map.of(), Map.of(),
                    "the model has more than " + MAX_PARAMETERS + " parameters");
        }
        Search s = new Search(parameters, optimizer);
        long count;
        try {
            count = s.count(0, new int[optimizer.groups().size()]);
        } catch (Search.TooLarge e) {
            return new OptimizerMapping(Status.UNDECIDED, Map.of(), Map.of(),
                    "more than " + MAX_STATES + " partial assignments to search");
        }
        if (count == 0) {
            return new OptimizerMapping(Status.NO_FIT, Map.of(), Map.of(), "no assignment of the "
                    + optimizer.ids().size() + " optimizer parameters to the model's " + parameters.size()
                    + " parameters keeps group order and state shapes");
        }
        List<String[]> found = new ArrayList<>();
        s.list(0, new int[optimizer.groups().size()], new String[s.ids.length], found);
        if (count == 1) {
            Map<Integer, String> names = new LinkedHashMap<>();
            String[] only = found.get(0);
            for (int k = 0; k < only.length; k++) {
                names.put(s.ids[k], only[k]);
            }
            return new OptimizerMapping(Status.MAPPED, names, Map.of(), null);
        }
        Map<Integer, List<String>> candidates = new LinkedHashMap<>();
        for (int k = 0; k < s.ids.length; k++) {
            Set<String> fit = new LinkedHashSet<>();
            for (String[] a : found) {
                fit.add(a[k]);
            }
            if (fit.size() > 1) {
                candidates.put(s.ids[k], List.copyOf(fit));
            }
        }
        return new OptimizerMapping(Status.AMBIGUOUS, Map.of(), candidates, null);
    }

    /**
     * The assignment of {@code optimizer}'s ids to {@code parameters} whose registration order is not known (a
     * {@code model.safetensors} keeps its tensors sorted by name): any order is possible, so only shapes decide.
     * An id is named only when its shape leaves one parameter for it; otherwise the mapping is ambiguous and
     * {@code why} says why the order could not help.
     */
    public static OptimizerMapping solveByShape(List<ModelParameter> parameters, OptimizerStateDict optimizer,
            String why) {
        Map<String, List<String>> byShape = new LinkedHashMap<>();
        parameters.forEach(p -> byShape.computeIfAbsent(Arrays.toString(p.shape()), k -> new ArrayList<>())
                .add(p.name()));
        Map<Integer, String> shapeOfId = new LinkedHashMap<>();
        Map<String, Integer> idsByShape = new HashMap<>();
        List<Integer> ids = optimizer.ids();
        for (int id : ids) {
            long[] shape = Search.shapeOf(optimizer.state().get(id));
            String key = shape == null ? null : Arrays.toString(shape);
            shapeOfId.put(id, key);
            if (key != null) {
                idsByShape.merge(key, 1, Integer::sum);
            }
        }
        int shaped = 0;
        for (Map.Entry<String, Integer> e : idsByShape.entrySet()) {
            shaped += e.getValue();
            if (e.getValue() > byShape.getOrDefault(e.getKey(), List.of()).size()) {
                return new OptimizerMapping(Status.NO_FIT, Map.of(), Map.of(), e.getValue() + " optimizer "
                        + "parameters have state of shape " + e.getKey() + ", the model has "
                        + byShape.getOrDefault(e.getKey(), List.of()).size() + " parameters of that shape");
            }
        }
        int stateless = ids.size() - shaped;
        // Parameters a stateless id may take: those of shapes with more parameters than ids.
        List<String> spare = new ArrayList<>();
        byShape.forEach((k, names) -> {
            if (names.size() > idsByShape.getOrDefault(k, 0)) {
                spare.addAll(names);
            }
        });
        if (stateless > parameters.size() - shaped) {
            return new OptimizerMapping(Status.NO_FIT, Map.of(), Map.of(), "the optimizer has " + ids.size()
                    + " parameters, the model " + parameters.size());
        }
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<Integer, List<String>> candidates = new LinkedHashMap<>();
        for (int id : ids) {
            String key = shapeOfId.get(id);
            List<String> fit = key == null ? spare : byShape.get(key);
            // One parameter of a shape with as many ids is never spare, so no stateless id can take it.
            if (fit.size() == 1) {
                names.put(id, fit.get(0));
            } else {
                candidates.put(id, List.copyOf(fit));
            }
        }
        if (candidates.isEmpty()) {
            return new OptimizerMapping(Status.MAPPED, names, Map.of(), why);
        }
        return new OptimizerMapping(Status.AMBIGUOUS, Map.of(), candidates, why);
    }

    /** The search over model parameters in order, each skipped or given to the next id of one group. */
    private static final class Search {
        /** The state space outgrew {@link #MAX_STATES}. */
        static final class TooLarge extends RuntimeException {
            private static final long serialVersionUID = 1L;

            TooLarge() {
                super(null, null, false, false);
            }
        }

        final List<ModelParameter> params;
        final int[][] groupIds;
        final long[][][] groupShapes;
        final int[] ids;
        final int[] groupStart;
        final int totalIds;
        final Map<Key, Long> memo = new HashMap<>();

        Search(List<ModelParameter> params, OptimizerStateDict optimizer) {
            this.params = params;
            int n = optimizer.groups().size();
            groupIds = new int[n][];
            groupShapes = new long[n][][];
            groupStart = new int[n];
            int at = 0;
            for (int g = 0; g < n; g++) {
                List<Integer> gi = optimizer.groups().get(g).ids();
                groupStart[g] = at;
                groupIds[g] = gi.stream().mapToInt(Integer::intValue).toArray();
                groupShapes[g] = new long[gi.size()][];
                for (int k = 0; k < gi.size(); k++) {
                    groupShapes[g][k] = shapeOf(optimizer.state().get(gi.get(k)));
                }
                at += gi.size();
            }
            totalIds = at;
            ids = optimizer.ids().stream().mapToInt(Integer::intValue).toArray();
        }

        /** The shape every non-step state tensor of an id shares; null when unconstrained, or no shape fits. */
        static long[] shapeOf(Map<String, long[]> state) {
            long[] shape = null;
            if (state == null) {
                return null;
            }
            for (Map.Entry<String, long[]> e : state.entrySet()) {
                if (e.getKey().equals(OptimizerStateDict.STEP)) {
                    continue;
                }
                if (shape != null && !Arrays.equals(shape, e.getValue())) {
                    return new long[] {-1};
                }
                shape = e.getValue();
            }
            return shape;
        }

        private boolean fits(int g, int k, ModelParameter p) {
            long[] shape = groupShapes[g][k];
            return shape == null || p.fits(shape);
        }

        private int placed(int[] progress) {
            int sum = 0;
            for (int c : progress) {
                sum += c;
            }
            return sum;
        }

        /** Complete assignments from parameter {@code i} on, saturated at 2. */
        long count(int i, int[] progress) {
            int left = totalIds - placed(progress);
            if (left == 0) {
                return 1;
            }
            if (params.size() - i < left) {
                return 0;
            }
            Key key = new Key(i, progress.clone());
            Long known = memo.get(key);
            if (known != null) {
                return known;
            }
            if (memo.size() >= MAX_STATES) {
                throw new TooLarge();
            }
            long total = count(i + 1, progress);
            for (int g = 0; g < progress.length && total < 2; g++) {
                if (progress[g] < groupIds[g].length && fits(g, progress[g], params.get(i))) {
                    progress[g]++;
                    total += count(i + 1, progress);
                    progress[g]--;
                }
            }
            total = Math.min(total, 2);
            memo.put(key, total);
            return total;
        }

        /** Appends complete assignments (names by id position) to {@code out}, up to {@link #MAX_LISTED}. */
        void list(int i, int[] progress, String[] names, List<String[]> out) {
            if (out.size() >= MAX_LISTED) {
                return;
            }
            if (placed(progress) == totalIds) {
                out.add(names.clone());
                return;
            }
            if (count(i, progress) == 0) {
                return;
            }
            list(i + 1, progress, names, out);
            for (int g = 0; g < progress.length; g++) {
                if (progress[g] < groupIds[g].length && fits(g, progress[g], params.get(i))) {
                    names[groupStart[g] + progress[g]] = params.get(i).name();
                    progress[g]++;
                    list(i + 1, progress, names, out);
                    progress[g]--;
                }
            }
        }
    }

    /** A memo key: a parameter position and how far each group has got. */
    private record Key(int position, int[] progress) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.position == position && Arrays.equals(k.progress, progress);
        }

        @Override
        public int hashCode() {
            return position * 31 + Arrays.hashCode(progress);
        }
    }
}
