package org.ckptinspector.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ckptinspector.model.PyValue;

/**
 * A {@code torch.optim.Optimizer.state_dict()} value: {@code {'state': {id: {name: value}}, 'param_groups':
 * [{'params': [id, ...], hyper-parameters...}]}}. Parameter ids are numbered across the groups in order.
 *
 * @param groups the parameter groups in order
 * @param state per parameter id, its state tensors' shapes by state name ({@code exp_avg}); ids without state
 *     (parameters that never had a gradient) are absent
 */
public record OptimizerStateDict(List<Group> groups, Map<Integer, Map<String, long[]>> state) {
    /** The state entry that is a step counter, not a per-element moment. */
    static final String STEP = "step";

    public OptimizerStateDict {
        groups = List.copyOf(groups);
        state = Map.copyOf(state);
    }

    /**
     * One parameter group.
     *
     * @param ids the group's parameter ids in order
     * @param hyperParameters everything else of the group (lr, betas, eps, weight_decay, …)
     */
    public record Group(List<Integer> ids, Map<String, PyValue> hyperParameters) {
        public Group {
            ids = List.copyOf(ids);
            hyperParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
        }
    }

    /** The parameter ids of all groups, in order. */
    public List<Integer> ids() {
        List<Integer> out = new ArrayList<>();
        groups.forEach(g -> out.addAll(g.ids()));
        return out;
    }

    /** The value read as an optimizer state_dict, or empty when it does not have that shape. */
    public static Optional<OptimizerStateDict> parse(PyValue v) {
        if (!(v instanceof PyValue.Dict d) || !(d.get("state") instanceof PyValue.Dict states)
                || !(d.get("param_groups") instanceof PyValue.PyList groupList) || groupList.size() == 0) {
            return Optional.empty();
        }
        List<Group> groups = new ArrayList<>();
        for (PyValue g : groupList.items()) {
            if (!(g instanceof PyValue.Dict gd) || !(gd.get("params") instanceof PyValue.PyList params)) {
                return Optional.empty();
            }
            List<Integer> ids = new ArrayList<>();
            for (PyValue p : params.items()) {
                if (!(p instanceof PyValue.Int i) || i.value().bitLength() > 31) {
                    return Optional.empty();
                }
                ids.add(i.value().intValue());
            }
            Map<String, PyValue> hyper = new LinkedHashMap<>();
            gd.entries().forEach((k, x) -> {
                if (!(k instanceof PyValue.Str s && s.value().equals("params"))) {
                    hyper.put(PyValue.keyText(k), x);
                }
            });
            groups.add(new Group(ids, hyper));
        }
        Map<Integer, Map<String, long[]>> state = new LinkedHashMap<>();
        for (Map.Entry<PyValue, PyValue> e : states.entries().entrySet()) {
            if (!(e.getKey() instanceof PyValue.Int i) || i.value().bitLength() > 31
                    || !(e.getValue() instanceof PyValue.Dict s)) {
                return Optional.empty();
            }
            Map<String, long[]> shapes = new LinkedHashMap<>();
            s.entries().forEach((k, x) -> {
                if (x instanceof PyValue.Tensor t) {
                    shapes.put(PyValue.keyText(k), t.ref().shape());
                }
            });
            state.put(i.value().intValue(), shapes);
        }
        return Optional.of(new OptimizerStateDict(groups, state));
    }
}
