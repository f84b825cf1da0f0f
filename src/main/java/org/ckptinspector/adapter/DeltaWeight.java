package org.ckptinspector.adapter;

import java.io.IOException;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.ComputedFloats;

/**
 * ΔW = scale·B·A of one LoRA module as a float32 tensor in the base weight's orientation and shape (a convolution's
 * {@code [out, in, k…]} row-major as {@code out × in·k…}), whose bytes are computed
 * for the range each read asks for (as {@link LowRankDelta#row} gives them, the factors read at the first read).
 * Statistics, histograms, heat maps and value grids read it like any stored tensor: nothing downstream knows it
 * is computed, and ΔW is never held whole.
 */
public final class DeltaWeight extends ComputedFloats {
    /** The suffix of a ΔW tensor's key after its module's name. */
    public static final String SUFFIX = ".ΔW";

    private final LoraModule module;
    private LowRankDelta delta;

    private DeltaWeight(LoraModule module, long values) {
        super(values, 1);
        this.module = module;
    }

    /** The ΔW tensor of {@code m}, keyed {@code <module>.ΔW}; nothing is read until its values are. */
    public static TensorRef of(LoraModule m) {
        long[] shape = m.deltaShape();
        long values = 1;
        for (long d : shape) {
            values = Math.multiplyExact(values, d);
        }
        String key = m.module() + SUFFIX;
        return new DeltaWeight(m, values).tensor(key, shape, java.util.List.<Object>of(key));
    }

    @Override
    protected void compute(long first, float[] into) throws IOException {
        delta().values(first, into);
    }

    private synchronized LowRankDelta delta() throws IOException {
        if (delta == null) {
            delta = LowRankDelta.of(module);
        }
        return delta;
    }
}
