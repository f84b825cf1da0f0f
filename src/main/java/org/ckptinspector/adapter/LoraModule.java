package org.ckptinspector.adapter;

import java.util.Objects;
import org.ckptinspector.model.TensorRef;

/**
 * One module a LoRA adapter changes: its two factors, its rank and scale, and how ΔW = scale·B·A lies over the
 * base weight.
 *
 * @param module the module's name relative to the base model ({@code model.layers.0.self_attn.q_proj})
 * @param kind a linear layer ({@code lora_A}/{@code lora_B}) or an embedding ({@code lora_embedding_A}/{@code _B})
 * @param a the down projection, {@code [r, in]}
 * @param b the up projection, {@code [out, r]}
 * @param bias {@code lora_B.bias} of a {@code lora_bias} adapter, or null
 * @param rank the rank the config gives the module ({@code rank_pattern} applied)
 * @param alpha the alpha the config gives the module ({@code alpha_pattern} applied)
 * @param scale peft's {@code scaling}
 * @param transposed ΔW is {@code (B·A)ᵀ}: {@code fan_in_fan_out} layers and embeddings
 */
public record LoraModule(String module, Kind kind, TensorRef a, TensorRef b, TensorRef bias, int rank, double alpha,
        double scale, boolean transposed) {

    /** The layer types whose merge is {@code W + scale·B·A} (transposed for embeddings). */
    public enum Kind { LINEAR, EMBEDDING }

    public LoraModule {
        Objects.requireNonNull(module);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(a);
        Objects.requireNonNull(b);
    }

    /** The base tensor the module changes: {@code <module>.weight}. */
    public String weightKey() {
        return module + ".weight";
    }

    /** The base bias a {@code lora_bias} adapter changes: {@code <module>.bias}. */
    public String biasKey() {
        return module + ".bias";
    }

    /** The rank the factors have ({@code lora_A}'s rows). */
    public long factorRank() {
        return a.rank() == 2 ? a.dim(0) : -1;
    }

    /** The shape of ΔW, which the base weight must have: {@code [out, in]}, or {@code [in, out]} when transposed. */
    public long[] deltaShape() {
        long out = b.dim(0);
        long in = a.dim(1);
        return transposed ? new long[] {in, out} : new long[] {out, in};
    }
}
