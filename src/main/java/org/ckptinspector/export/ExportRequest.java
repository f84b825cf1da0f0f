package org.ckptinspector.export;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.RenameRule;

/**
 * What to export and how.
 *
 * @param selection which tensors
 * @param renames rewrites of the output keys, applied in order after the root prefix is removed
 * @param dtype convert float32/float16/bfloat16 tensors to this dtype; null keeps every dtype
 * @param format the output format
 * @param safetensorsMetadata the {@code __metadata__} of a safetensors output; null keeps a safetensors
 *     source's own metadata, or writes {@code {"format": "pt"}} as safetensors' {@code save_model} does
 * @param verify re-open the output and compare every tensor's values byte for byte with the source's before it
 *     replaces anything
 * @param threads how many threads write and verify; a desktop app leaves one core to its window
 */
public record ExportRequest(Selection selection, List<RenameRule> renames, DType dtype, ExportFormat format,
        Map<String, String> safetensorsMetadata, boolean verify, int threads) {

    public ExportRequest {
        Objects.requireNonNull(selection);
        Objects.requireNonNull(format);
        renames = List.copyOf(renames);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        safetensorsMetadata = safetensorsMetadata == null ? null
                : Collections.unmodifiableMap(new LinkedHashMap<>(safetensorsMetadata));
    }

    /** Every tensor, unchanged, verified, on all cores. */
    public static ExportRequest of(Selection selection, ExportFormat format) {
        return new ExportRequest(selection, List.of(), null, format, null, true,
                Runtime.getRuntime().availableProcessors());
    }

    public ExportRequest withSelection(Selection newSelection) {
        return new ExportRequest(newSelection, renames, dtype, format, safetensorsMetadata, verify, threads);
    }

    public ExportRequest withRenames(List<RenameRule> newRenames) {
        return new ExportRequest(selection, newRenames, dtype, format, safetensorsMetadata, verify, threads);
    }

    public ExportRequest withDtype(DType newDtype) {
        return new ExportRequest(selection, renames, newDtype, format, safetensorsMetadata, verify, threads);
    }

    public ExportRequest withSafetensorsMetadata(Map<String, String> metadata) {
        return new ExportRequest(selection, renames, dtype, format, metadata, verify, threads);
    }

    public ExportRequest withVerify(boolean newVerify) {
        return new ExportRequest(selection, renames, dtype, format, safetensorsMetadata, newVerify, threads);
    }

    public ExportRequest withThreads(int newThreads) {
        return new ExportRequest(selection, renames, dtype, format, safetensorsMetadata, verify, newThreads);
    }
}
