package org.ckptinspector.app;

import java.util.Optional;
import org.ckptinspector.diff.ValueChange;
import org.ckptinspector.model.TensorRef;

/**
 * A tensor of A with its counterpart in B, for the detail pane in diff mode.
 *
 * @param b B's tensor, or null when B lacks it
 * @param change how the values changed, or null when they were not compared (identical, or shapes differ)
 * @param status the diff status in words ({@code changed}, {@code only in A})
 */
public record Comparison(TensorRef b, ValueChange change, String status) {

    /** Finds the comparison of one of A's tensors; empty outside diff mode. */
    @FunctionalInterface
    public interface Lookup {
        Optional<Comparison> of(TensorRef a);
    }
}
