package org.ckptinspector.values;

import java.nio.ByteBuffer;

/** Turns a run of whole stored units (elements, or packed bytes) into doubles. */
interface ElementDecoder {

    /** Values each unit yields: 1 for most dtypes, 2 for packed pairs and complex (real, imag). */
    default int valuesPerUnit() {
        return 1;
    }

    /** True when a unit's value depends on its bits only, not on its position (per-channel quantization). */
    default boolean positionIndependent() {
        return true;
    }

    /**
     * Decodes {@code n} units from {@code src} (little-endian, position 0) into {@code dst} from {@code offset};
     * {@code firstUnit} is the row-major index of the first unit, for decoders whose rule depends on position.
     */
    void decode(ByteBuffer src, long firstUnit, int n, double[] dst, int offset);
}
