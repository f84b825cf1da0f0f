package org.ckptinspector.format.gguf;

import java.util.Optional;
import org.ckptinspector.model.DType;

/** GGML's tensor type ids (ggml.h {@code ggml_type}) as dtypes; ids that were removed or are unknown have none. */
final class GgmlTypes {
    private static final DType[] BY_ID = new DType[40];

    static {
        DType[] known = {DType.FLOAT32, DType.FLOAT16, DType.Q4_0, DType.Q4_1, null, null, DType.Q5_0, DType.Q5_1,
            DType.Q8_0, DType.Q8_1, DType.Q2_K, DType.Q3_K, DType.Q4_K, DType.Q5_K, DType.Q6_K, DType.Q8_K,
            DType.IQ2_XXS, DType.IQ2_XS, DType.IQ3_XXS, DType.IQ1_S, DType.IQ4_NL, DType.IQ3_S, DType.IQ2_S,
            DType.IQ4_XS, DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT64, DType.IQ1_M,
            DType.BFLOAT16, null, null, null, DType.TQ1_0, DType.TQ2_0, null, null, null, DType.MXFP4};
        System.arraycopy(known, 0, BY_ID, 0, known.length);
    }

    private GgmlTypes() {}

    static Optional<DType> of(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }
}
