package org.ckptinspector.diff;

import org.ckptinspector.model.TensorRef;

/** A tensor under the name the diff report uses for it (B's naming), next to the key its file gives it. */
public record NamedTensor(String name, TensorRef tensor) {

    /** The key in the tensor's own file. */
    public String fileKey() {
        return tensor.key();
    }
}
