package org.ckptinspector.model;

/** How a quantized tensor maps its integers to real values. */
public sealed interface Quantization {

    /** {@code value = (q - zeroPoint) * scale} for every element. */
    record PerTensor(String qscheme, double scale, long zeroPoint) implements Quantization {}

    /** Per-channel affine quantization along {@code axis}, scales and zero points being tensors themselves. */
    record PerChannel(String qscheme, TensorRef scales, TensorRef zeroPoints, int axis) implements Quantization {}
}
