package org.ckptinspector.values;

/**
 * Which real number(s) the value API yields for each tensor element. Only complex tensors tell the views apart;
 * for every real dtype REAL and VALUE are the element itself, IMAG is 0 and REAL_IMAG is VALUE.
 */
public enum ValueView {
    /**
     * One number per element: floats and integers as they are, bool as 0/1, quantized dequantized, complex as
     * the magnitude |z| (what the CLI contract's statistics use).
     */
    VALUE,
    /** The real part. */
    REAL,
    /** The imaginary part. */
    IMAG,
    /** Two numbers per complex element, real then imaginary, as {@code torch.view_as_real} lays them out. */
    REAL_IMAG
}
