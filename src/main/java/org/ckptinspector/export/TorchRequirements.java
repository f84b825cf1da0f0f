package org.ckptinspector.export;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * The oldest torch whose {@code torch.load(weights_only=True)} reads what the .pth writer writes for a tensor. Classic
 * dtypes load in 1.13. Quantized tensors (float scales, qscheme globals) and conjugate/negative bits (the 7th argument
 * of {@code _rebuild_tensor_v2}) need 2.x's unpickler. Dtypes without a legacy storage class need
 * {@code _rebuild_tensor_v3} and the dtype itself; the versions for those are the releases that introduced the dtype
 * (docs/checkpoint-formats.md §13 marks the exact minimum as unverified; 1.13 fails and 2.13 loads, as the round-trip
 * test shows).
 */
final class TorchRequirements {
    private TorchRequirements() {}

    static Optional<String> minimumTorch(TensorRef t, DType written) {
        switch (written) {
            case FLOAT8_E4M3FN, FLOAT8_E5M2, COMPLEX32, BITS8, BITS16, BITS1X8, BITS2X4, BITS4X2:
                return Optional.of("2.1");
            case FLOAT8_E4M3FNUZ, FLOAT8_E5M2FNUZ:
                return Optional.of("2.2");
            case UINT16, UINT32, UINT64:
                return Optional.of("2.3");
            case FLOAT8_E8M0FNU, FLOAT4_E2M1FN_X2:
                return Optional.of("2.7");
            default:
                break;
        }
        if (written.kind() == DType.Kind.QUANTIZED || t.has(TensorRef.Flag.CONJ) || t.has(TensorRef.Flag.NEG)) {
            return Optional.of("2.0");
        }
        return Optional.empty();
    }

    /** One line per minimum version, newest first, naming the dtypes and a few keys that need it. */
    static List<String> describe(List<ExportItem> items) {
        Map<String, Map<String, List<String>>> byVersion = new TreeMap<>(Comparator.reverseOrder());
        for (ExportItem i : items) {
            minimumTorch(i.tensor(), i.dtype()).ifPresent(v -> byVersion
                    .computeIfAbsent(v, k -> new LinkedHashMap<>())
                    .computeIfAbsent(reason(i), k -> new ArrayList<>())
                    .add(i.outputKey()));
        }
        List<String> lines = new ArrayList<>();
        byVersion.forEach((version, reasons) -> {
            List<String> parts = new ArrayList<>();
            reasons.forEach((reason, keys) -> parts.add(reason + ": " + Keys.abbreviate(keys)));
            lines.add("torch >= " + version + " (" + String.join("; ", parts) + ")");
        });
        return lines;
    }

    private static String reason(ExportItem i) {
        if (i.dtype().needsUntypedStorage() || i.dtype().kind() == DType.Kind.QUANTIZED) {
            return i.dtype().torchName();
        }
        return "conjugate/negative bit";
    }
}
