package org.ckptinspector.adapter;

import java.util.Objects;
import org.ckptinspector.model.TensorRef;

/**
 * One module a LoRA adapter changes: its two factors, its rank and scale, and how ΔW = scale·B·A lies over the
 * base weight.
 *
 * @param module the module's name relative to the base model ({@code model.layers.0.self_attn.q_proj})
 * @param kind a linear layer ({@code lora_A}/{@code lora_B}), an embedding ({@code lora_embedding_A}/{@code _B})
 *     or a convolution ({@code lora_A}/{@code lora_B} conv weights)
 * @param a the down projection, {@code [r, in]} ({@code [r, in, k…]} for a convolution)
 * @param b the up projection, {@code [out, r]} ({@code [out, r, 1…]} for a convolution)
 * @param bias {@code lora_B.bias} of a {@code lora_bias} adapter, or null
 * @param rank the rank the config gives the module ({@code rank_pattern} applied)
 * @param alpha the alpha the config gives the module ({@code alpha_pattern} applied)
 * @param scale peft's {@code scaling}
 * @param transposed ΔW is {@code (B·A)ᵀ}: {@code fan_in_fan_out} layers and embeddings
 */
public record LoraModule(String module, Kind kind, TensorRef a, TensorRef b, TensorRef bias, int rank, double alpha,
        double scale, boolean transposed) {

    /**
     * The layer types whose merge is {@code W + scale·B·A}: transposed for embeddings; for a convolution (peft's
     * {@code Conv1d/2d/3d}, {@code groups = 1}) B·A of the factors as matrices {@code [out, r]} and
     * {@code [r, in·k…]}, which is what peft's {@code conv_fn(A.transpose(0, 1), B).transpose(0, 1)} computes.
     */
    public enum Kind { LINEAR, EMBEDDING, CONV }

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
        return a.rank() >= 2 ? a.dim(0) : -1;
    }

    /**
     * The shape of ΔW, which the base weight must have: {@code [out, in]}, {@code [in, out]} when transposed,
     * {@code [out, in, k…]} for a convolution.
     */
    public long[] deltaShape() {
        long out = b.dim(0);
        if (kind == Kind.CONV) {
            long[] s = a.shape().clone();
            s[0] = out;
            return s;
        }
        long in = a.dim(1);
        return transposed ? new long[] {in, out} : new long[] {out, in};
    }
}
