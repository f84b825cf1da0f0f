package org.ckptinspector.app;

import java.io.IOException;
import java.util.Arrays;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.ValueReader;

/**
 * The value of a tensor that holds exactly one (a 0-dim tensor such as {@code num_batches_tracked}, or any shape
 * of one element), shown as a value rather than as statistics of one number.
 *
 * @param index the element's index ({@code []} for a 0-dim tensor)
 * @param text the value in full precision
 */
public record SingleValue(String index, String text) {

    /** Whether {@code t} has one element whose value can be read. */
    public static boolean applies(TensorRef t) {
        return t.numel() == 1 && ValueReader.unreadableReason(t).isEmpty();
    }

    /** Reads the value (one element's bytes). */
    public static SingleValue of(TensorRef t) throws IOException {
        ValueReader reader = ValueReader.of(t);
        double[] v = reader.head((int) Math.min(2, reader.size()));
        String text = PreviewGrid.exact(v[0], t.dtype());
        if (v.length == 2) {
            // Two values for one element: a complex number's real and imaginary parts.
            text = text + (v[1] < 0 ? " − " : " + ") + PreviewGrid.exact(Math.abs(v[1]), t.dtype()) + "j";
        }
        return new SingleValue(Arrays.toString(new long[t.rank()]), text);
    }
}
