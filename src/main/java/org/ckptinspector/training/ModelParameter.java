package org.ckptinspector.training;

import java.util.Arrays;
import java.util.Objects;

/**
 * One parameter of a model, as its state_dict names it, in the order the model registers its parameters.
 *
 * @param name the state_dict key ({@code fc1.weight})
 * @param shape the parameter's shape
 */
public record ModelParameter(String name, long[] shape) {
    public ModelParameter {
        Objects.requireNonNull(name);
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    boolean fits(long[] stateShape) {
        return Arrays.equals(shape, stateShape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelParameter p && p.name.equals(name) && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
