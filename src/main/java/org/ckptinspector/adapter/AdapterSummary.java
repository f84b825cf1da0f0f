package org.ckptinspector.adapter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.model.Checkpoint;

/**
 * What an adapter holds, per module, for {@code inspect} and the app: rank, alpha, scale and ‖ΔW‖_F.
 *
 * @param adapter the adapter
 * @param modules one per LoRA module, in file order
 */
public record AdapterSummary(LoraAdapter adapter, List<Module> modules) {

    /**
     * One LoRA module.
     *
     * @param module the module's name relative to the base model
     * @param deltaNorm ‖scale·B·A‖_F, or null when the factors cannot be read ({@code note} says why)
     * @param note why {@code deltaNorm} is missing, else null
     */
    public record Module(LoraModule lora, Double deltaNorm, String note) {
        public String module() {
            return lora.module();
        }
    }

    public AdapterSummary {
        modules = List.copyOf(modules);
    }

    /** The summary of a PEFT adapter folder; empty for any other checkpoint. */
    public static Optional<AdapterSummary> of(Checkpoint c) {
        return LoraAdapter.of(c).map(AdapterSummary::of);
    }

    /** Computes every module's ‖ΔW‖_F from its factors. */
    public static AdapterSummary of(LoraAdapter adapter) {
        List<Module> modules = new ArrayList<>();
        for (LoraModule m : adapter.modules()) {
            try {
                modules.add(new Module(m, LowRankDelta.of(m).frobeniusNorm(), null));
            } catch (IOException e) {
                modules.add(new Module(m, null, e.getMessage()));
            }
        }
        return new AdapterSummary(adapter, modules);
    }
}
