package org.ckptinspector.trajectory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every {@link Metric} of one tensor or module at every step of the run; a figure that does not exist (the tensor
 * is absent at that step, a zero norm, no previous step) is null.
 */
public final class Series {
    private final Map<Metric, List<Double>> values;

    private Series(Map<Metric, List<Double>> values) {
        this.values = values;
    }

    /** The figures of summed step sums; {@code sums[i]} is null where no value was read at step i. */
    static Series of(StepSums[] sums) {
        Map<Metric, List<Double>> m = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            List<Double> list = new ArrayList<>(sums.length);
            for (StepSums s : sums) {
                list.add(s == null ? null : s.figure(metric));
            }
            m.put(metric, Collections.unmodifiableList(list));
        }
        return new Series(m);
    }

    /** The metric at every step (null entries where it does not exist). */
    public List<Double> get(Metric metric) {
        return values.get(metric);
    }

    /** The metric at one step, or null. */
    public Double at(Metric metric, int step) {
        return values.get(metric).get(step);
    }

    @Override
    public String toString() {
        return Arrays.toString(Metric.values()) + values.values();
    }
}
