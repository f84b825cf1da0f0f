package org.ckptinspector.model;

/** How a quantized tensor maps its stored codes to real values. */
public sealed interface Quantization {

    /** {@code value = (q - zeroPoint) * scale} for every element. */
    record PerTensor(String qscheme, double scale, long zeroPoint) implements Quantization {}

    /** Per-channel affine quantization along {@code axis}, scales and zero points being tensors themselves. */
    record PerChannel(String qscheme, TensorRef scales, TensorRef zeroPoints, int axis) implements Quantization {}

    /**
     * A float8 weight paired with the scale tensor that multiplies it: {@code W[i][j] = float(q[i][j]) *
     * scale[i / blockRows][j / blockCols]} in float32, as DeepSeek's {@code weight_scale_inv} (128×128 blocks,
     * ragged edges), compressed-tensors' and FBGEMM's {@code weight_scale} (per tensor, per output row) define it.
     * The codes stay the stored dtype; only the values see the scale.
     *
     * @param scale the scale tensor (its own key names the partner)
     * @param layout how the scale grid covers the weight
     * @param blockRows weight rows one scale covers
     * @param blockCols weight columns one scale covers (the whole row for a 1-D weight)
     * @param inputScale the module's static activation scale ({@code input_scale}), shown but never applied; or null
     */
    record Scaled(TensorRef scale, ScaleLayout layout, long blockRows, long blockCols, TensorRef inputScale)
            implements Quantization {}

    /** How a {@link Scaled} weight's scale grid covers it. */
    enum ScaleLayout {
        PER_TENSOR("per-tensor"), PER_CHANNEL("per-channel"), BLOCK("block");

        private final String id;

        ScaleLayout(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
