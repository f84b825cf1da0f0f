package org.ckptinspector.values;

import java.nio.ByteBuffer;
import org.ckptinspector.model.DType;

/**
 * Complex elements as (real, imag) pairs of their component dtype, turned into the requested view. The
 * magnitude follows C's hypot: infinite when either part is infinite (even if the other is NaN).
 */
final class ComplexDecoder implements ElementDecoder {
    private final ElementDecoder parts;
    private final ValueView view;
    private final boolean exactHypot;

    ComplexDecoder(DType complex, ValueView view) {
        DType component = ElementDecoders.componentOf(complex);
        this.parts = ElementDecoders.real(component);
        this.view = view;
        // Squares of float32/float16 parts cannot overflow a double; float64 parts can.
        this.exactHypot = component == DType.FLOAT64;
    }

    @Override
    public int valuesPerUnit() {
        return view == ValueView.REAL_IMAG ? 2 : 1;
    }

    @Override
    public void decode(ByteBuffer src, long firstUnit, int n, double[] dst, int offset) {
        if (view == ValueView.REAL_IMAG) {
            parts.decode(src, 2 * firstUnit, 2 * n, dst, offset);
            return;
        }
        double[] pairs = new double[2 * n];
        parts.decode(src, 2 * firstUnit, 2 * n, pairs, 0);
        switch (view) {
            case REAL:
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = pairs[2 * i];
                }
                break;
            case IMAG:
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = pairs[2 * i + 1];
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = magnitude(pairs[2 * i], pairs[2 * i + 1]);
                }
        }
    }

    private double magnitude(double re, double im) {
        if (Double.isInfinite(re) || Double.isInfinite(im)) {
            return Double.POSITIVE_INFINITY;
        }
        double m = Math.sqrt(re * re + im * im);
        if (exactHypot && (Double.isInfinite(m) || (m < 0x1p-500 && (re != 0 || im != 0)))) {
            return Math.hypot(re, im);
        }
        return m;
    }
}
