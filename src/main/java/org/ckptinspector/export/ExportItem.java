package org.ckptinspector.export;

import java.util.Optional;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * One tensor of an export.
 *
 * @param sourceKey the key in the source file
 * @param outputKey the key in the output, after the root prefix is removed and the renames applied
 * @param tensor the source tensor
 * @param dtype the dtype written, which differs from the source's when it is converted
 */
public record ExportItem(String sourceKey, String outputKey, TensorRef tensor, DType dtype) {

    /** The conversion applied to this tensor's elements, if any. */
    public Optional<DTypeConversion> conversion() {
        return DTypeConversion.of(tensor.dtype(), dtype);
    }

    /** Bytes of the tensor's elements as written (contiguous, after conversion). */
    public long outputBytes() {
        return dtype.bytesFor(tensor.numel());
    }
}
