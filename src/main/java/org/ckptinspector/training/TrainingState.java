package org.ckptinspector.training;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;

/**
 * What a training checkpoint holds besides tensors: its model (the top-level entry with the model's state_dict,
 * or the whole file), its optimizers with their parameter ids named, the model's parameter count and how its
 * bytes divide between model, optimizer state and the rest.
 *
 * @param modelKey the top-level key of the model's state_dict ({@code model_state_dict}, {@code state_dict}), or
 *     null when the model is the whole file
 * @param parameters the model's parameters in order (tied ones once; optimizer state and the running statistics
 *     of torch.nn's norm layers apart)
 * @param optimizers every optimizer state_dict in the file
 * @param breakdown bytes of the model, the optimizer state and everything else (each storage view once)
 * @param parameterTensors the tensors counted as {@code parameters} (by identity; empty when the parameters came
 *     from another file)
 */
public record TrainingState(String modelKey, List<ModelParameter> parameters, List<Optimizer> optimizers,
        Breakdown breakdown, Set<TensorRef> parameterTensors) {
    /** Keys under which training scripts keep the model's state_dict, most specific first. */
    private static final List<String> MODEL_KEYS = List.of("model_state_dict", "state_dict", "model", "module",
            "net", "network", "model_state", "weights", "params");
    /** Buffers torch.nn's norm layers register next to their parameters, with a parameter's shape. */
    private static final List<String> NORM_BUFFERS = List.of("running_mean", "running_var");
    /** How deep in the object tree optimizer state_dicts are looked for (Lightning's list is at depth 2). */
    private static final int OPTIMIZER_DEPTH = 3;

    public TrainingState {
        parameters = List.copyOf(parameters);
        optimizers = List.copyOf(optimizers);
        parameterTensors = java.util.Collections.unmodifiableSet(identitySet(parameterTensors));
    }

    private static Set<TensorRef> identitySet(java.util.Collection<TensorRef> tensors) {
        Set<TensorRef> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        out.addAll(tensors);
        return out;
    }

    /** Whether {@code t} is one of the model's parameters as counted (a tied alias is not: its first name is). */
    public boolean isParameter(TensorRef t) {
        return parameterTensors.contains(t);
    }

    /**
     * An optimizer state_dict found in the file.
     *
     * @param path where it is, as tensor paths are written
     * @param stateDict its groups and state
     * @param mapping its parameter ids named by the model's parameters
     */
    public record Optimizer(List<Object> path, OptimizerStateDict stateDict, OptimizerMapping mapping) {
        public Optimizer {
            path = List.copyOf(path);
        }

        /** The dotted key prefix of its tensors. */
        public String key() {
            return dotted(path);
        }
    }

    /** Bytes of tensor data by role. */
    public record Breakdown(long model, long optimizer, long other) {}

    /**
     * The role of an optimizer-state tensor.
     *
     * @param param the parameter's name, null when the mapping is not settled
     * @param state the state's name ({@code exp_avg}, {@code momentum_buffer})
     */
    public record StateRole(String param, String state) {}

    /** The number of model parameter elements. */
    public long parameterCount() {
        long n = 0;
        for (ModelParameter p : parameters) {
            long e = 1;
            for (long d : p.shape()) {
                e *= d;
            }
            n += e;
        }
        return n;
    }

    /** The role of {@code t} when it is per-parameter optimizer state. */
    public Optional<StateRole> role(TensorRef t) {
        for (Optimizer o : optimizers) {
            List<Object> p = t.path();
            int n = o.path().size();
            if (p.size() == n + 3 && p.subList(0, n).equals(o.path()) && "state".equals(p.get(n))
                    && p.get(n + 1) instanceof Integer id) {
                return Optional.of(new StateRole(o.mapping().names().get(id), String.valueOf(p.get(n + 2))));
            }
        }
        return Optional.empty();
    }

    /** The training state of an opened checkpoint: its optimizers named by the model it holds. */
    public static TrainingState of(Checkpoint c) {
        return of(c, null);
    }

    /**
     * The training state of a checkpoint whose optimizers belong to a model kept elsewhere (HF Trainer's
     * {@code optimizer.pt} beside {@code model.safetensors}): {@code modelParameters} from
     * {@link #parametersOf(Checkpoint)} of the model file.
     */
    public static TrainingState withModel(Checkpoint optimizerFile, List<ModelParameter> modelParameters) {
        return of(optimizerFile, List.copyOf(modelParameters));
    }

    /** The parameters of the model a checkpoint holds, in order, for {@link #withModel}. */
    public static List<ModelParameter> parametersOf(Checkpoint model) {
        return of(model).parameters();
    }

    private static TrainingState of(Checkpoint c, List<ModelParameter> external) {
        List<Optimizer> found = new ArrayList<>();
        List<List<Object>> optimizerPaths = new ArrayList<>();
        List<OptimizerStateDict> dicts = new ArrayList<>();
        findOptimizers(c.root(), optimizerPaths, dicts);
        String modelKey = external != null ? null : modelKey(c, optimizerPaths);
        List<TensorRef> model = new ArrayList<>();
        for (TensorRef t : c.tensors()) {
            if (external == null && !underAny(t.path(), optimizerPaths)
                    && (modelKey == null || modelKey.equals(first(t.path())))) {
                model.add(t);
            }
        }
        String prefix = modelKey == null ? "" : modelKey + ".";
        List<TensorRef> counted = new ArrayList<>();
        List<ModelParameter> strict = external != null ? external : parameters(model, prefix, true, counted);
        List<ModelParameter> loose = external != null ? external : parameters(model, prefix, false, new ArrayList<>());
        String unordered = external != null ? null : unorderedModel(c, modelKey);
        for (int i = 0; i < dicts.size(); i++) {
            OptimizerMapping m = solve(strict, dicts.get(i), unordered);
            if (m.status() == OptimizerMapping.Status.NO_FIT && loose.size() > strict.size()) {
                m = solve(loose, dicts.get(i), unordered);
            }
            found.add(new Optimizer(optimizerPaths.get(i), dicts.get(i), m));
        }
        return new TrainingState(modelKey, strict, found, breakdown(c, model, optimizerPaths), identitySet(counted));
    }

    private static OptimizerMapping solve(List<ModelParameter> model, OptimizerStateDict o, String unordered) {
        return unordered == null ? OptimizerMapping.solve(model, o) : OptimizerMapping.solveByShape(model, o, unordered);
    }

    /**
     * Why the model's tensors are not in its parameter order, or null when they are: in a checkpoint folder whose
     * model file is safetensors (its header, and transformers' shard index, list tensors sorted by name).
     */
    private static String unorderedModel(Checkpoint c, String modelKey) {
        for (CheckpointFolder.Part p : c.folderRef().map(CheckpointFolder::parts).orElse(List.of())) {
            boolean model = p.keyPrefix().isEmpty() ? modelKey == null && p.role().matches("model|adapter")
                    : p.keyPrefix().equals(modelKey);
            if (model && (p.format().equals(Format.SAFETENSORS.id()) || p.format().equals(Format.SHARDED.id()))) {
                return p.name() + " lists the model's tensors sorted by name, not in the model's parameter order,"
                        + " so only shapes tell the optimizer's parameters apart";
            }
        }
        return null;
    }

    /**
     * The model's parameters among its tensors: floating-point ones (a tensor that can have a gradient), each
     * storage view once (tied weights keep their first name), parameters of a pickled module only; with
     * {@code withoutNormBuffers}, without the running statistics of norm layers.
     */
    private static List<ModelParameter> parameters(List<TensorRef> model, String prefix, boolean withoutNormBuffers,
            List<TensorRef> counted) {
        boolean flagged = model.stream().anyMatch(t -> t.has(TensorRef.Flag.PARAMETER));
        Set<String> seen = new HashSet<>();
        List<ModelParameter> out = new ArrayList<>();
        for (TensorRef t : model) {
            DType.Kind kind = t.dtype().kind();
            if (kind != DType.Kind.FLOAT && kind != DType.Kind.COMPLEX || flagged && !t.has(TensorRef.Flag.PARAMETER)) {
                continue;
            }
            String name = t.key().startsWith(prefix) ? t.key().substring(prefix.length()) : t.key();
            String leaf = name.substring(name.lastIndexOf('.') + 1);
            if (withoutNormBuffers && !flagged && NORM_BUFFERS.contains(leaf)) {
                continue;
            }
            if (seen.add(view(t))) {
                out.add(new ModelParameter(name, t.shape()));
                counted.add(t);
            }
        }
        return out;
    }

    /** Identifies a storage view: tied tensors give the same string. */
    private static String view(TensorRef t) {
        if (t.storage() == null || !t.storage().shareable()) {
            return "tensor:" + t.key() + ":" + System.identityHashCode(t);
        }
        return t.storage().key() + "@" + t.storageOffset() + ":" + java.util.Arrays.toString(t.shape())
                + java.util.Arrays.toString(t.stride()) + t.dtype();
    }

    private static Breakdown breakdown(Checkpoint c, List<TensorRef> model, List<List<Object>> optimizerPaths) {
        Set<String> seen = new HashSet<>();
        Set<TensorRef> inModel = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        inModel.addAll(model);
        long m = 0;
        long o = 0;
        long other = 0;
        for (TensorRef t : c.tensors()) {
            if (!seen.add(view(t))) {
                continue;
            }
            long bytes = t.nbytes();
            if (inModel.contains(t)) {
                m += bytes;
            } else if (underAny(t.path(), optimizerPaths)) {
                o += bytes;
            } else {
                other += bytes;
            }
        }
        return new Breakdown(m, o, other);
    }

    /** The top-level entry that is the model, or null for the whole file. */
    private static String modelKey(Checkpoint c, List<List<Object>> optimizerPaths) {
        if (!(c.root() instanceof PyValue.Dict root)) {
            return null;
        }
        boolean allTensors = !root.entries().isEmpty();
        for (PyValue v : root.entries().values()) {
            allTensors &= v instanceof PyValue.Tensor;
        }
        if (allTensors) {
            return null;
        }
        for (String k : MODEL_KEYS) {
            if (root.get(k) != null && c.tensors().stream().anyMatch(t -> k.equals(first(t.path())))) {
                return k;
            }
        }
        // Otherwise the top-level entry with the most tensors that are not optimizer state.
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (TensorRef t : c.tensors()) {
            if (!t.path().isEmpty() && !underAny(t.path(), optimizerPaths)) {
                counts.merge(String.valueOf(t.path().get(0)), 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().max((a, b) -> Integer.compare(a.getValue(), b.getValue()))
                .map(Map.Entry::getKey).orElse(null);
    }

    private static String first(List<Object> path) {
        return path.isEmpty() ? null : String.valueOf(path.get(0));
    }

    private static boolean underAny(List<Object> path, List<List<Object>> prefixes) {
        for (List<Object> p : prefixes) {
            if (path.size() > p.size() && path.subList(0, p.size()).equals(p)) {
                return true;
            }
        }
        return false;
    }

    /** A path to a container and the container. */
    private record Found(List<Object> path, PyValue value) {}

    /** Optimizer state_dicts within {@value #OPTIMIZER_DEPTH} levels of dicts and lists of the root. */
    private static void findOptimizers(PyValue root, List<List<Object>> paths, List<OptimizerStateDict> dicts) {
        Deque<Found> queue = new ArrayDeque<>();
        queue.add(new Found(List.of(), root));
        while (!queue.isEmpty()) {
            Found f = queue.poll();
            Optional<OptimizerStateDict> o = OptimizerStateDict.parse(f.value());
            if (o.isPresent()) {
                paths.add(f.path());
                dicts.add(o.get());
                continue;
            }
            if (f.path().size() >= OPTIMIZER_DEPTH) {
                continue;
            }
            if (f.value() instanceof PyValue.Dict d) {
                for (Map.Entry<PyValue, PyValue> e : d.entries().entrySet()) {
                    if (e.getValue() instanceof PyValue.Dict || e.getValue() instanceof PyValue.PyList) {
                        queue.add(new Found(append(f.path(), element(e.getKey())), e.getValue()));
                    }
                }
            } else if (f.value() instanceof PyValue.PyList l) {
                for (int i = 0; i < l.size(); i++) {
                    PyValue v = l.items().get(i);
                    if (v instanceof PyValue.Dict) {
                        queue.add(new Found(append(f.path(), i), v));
                    }
                }
            }
        }
    }

    /** A dict key as a path element, as tensor paths write it. */
    private static Object element(PyValue key) {
        return key instanceof PyValue.Int i && i.value().bitLength() < 32 ? (Object) i.value().intValue()
                : PyValue.keyText(key);
    }

    private static List<Object> append(List<Object> path, Object element) {
        List<Object> out = new ArrayList<>(path);
        out.add(element);
        return out;
    }

    static String dotted(List<Object> path) {
        StringJoiner j = new StringJoiner(".");
        path.forEach(p -> j.add(String.valueOf(p)));
        return j.toString();
    }
}
