package org.ckptinspector.export;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;

/**
 * A checked export, ready to write: every output key is known and unique, every tensor can be written in the
 * chosen format. Made by {@link ExportPlanner}; the GUI can show it before anything is written.
 *
 * @param items the tensors in output order (the source's file order)
 * @param moduleMetadata the state_dict's {@code _metadata} entries kept for the exported modules, under their
 *     output module names; empty when the source had none (or for safetensors)
 * @param warnings what the user should know (shared tensors duplicated, metadata dropped)
 * @param requirements what a reader needs to load the output, e.g. {@code torch >= 2.1 (float8_e4m3fn: w)}
 */
public record ExportPlan(Checkpoint source, ExportRequest request, List<ExportItem> items,
        Map<String, PyValue> moduleMetadata, List<String> warnings, List<String> requirements) {

    public ExportPlan {
        items = List.copyOf(items);
        moduleMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(moduleMetadata));
        warnings = List.copyOf(warnings);
        requirements = List.copyOf(requirements);
    }

    /** Bytes of tensor data the output holds per tensor (shared storages count once per tensor). */
    public long tensorBytes() {
        return items.stream().mapToLong(ExportItem::outputBytes).sum();
    }
}
