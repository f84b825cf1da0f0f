package org.ckptinspector.adapter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;

/**
 * A PEFT adapter as peft loads it onto a base model: its config, the LoRA modules it changes and the tensors it
 * saves whole ({@code modules_to_save}, saved embedding layers), each under the base model's names.
 *
 * @param config the adapter's {@code adapter_config.json}
 * @param modules the LoRA modules, in file order
 * @param replacements base tensor key → the adapter tensor peft loads in its place ({@code modules_to_save} copies,
 *     {@code base_layer} weights of saved embedding layers), in file order
 * @param problems what keeps the adapter from being merged exactly (unpaired factors, a rank that disagrees with
 *     the config, a LoRA variant); empty when it can be merged
 */
public record LoraAdapter(LoraConfig config, List<LoraModule> modules, Map<String, TensorRef> replacements,
        List<String> problems) {

    /** peft's key prefixes, longest first ({@code _insert_adapter_name_into_state_dict} accepts both). */
    private static final List<String> PREFIXES = List.of("base_model.model.", "base_model.");
    /** {@code <module>.lora_A[.<adapter>].weight} and {@code lora_B}'s weight and bias. */
    private static final Pattern LINEAR_KEY = Pattern.compile("(.+)\\.(lora_A|lora_B)(?:\\.[^.]+)?\\.(weight|bias)");
    /** {@code <module>.lora_embedding_A[.<adapter>]}: embedding factors are parameters, not layers. */
    private static final Pattern EMBEDDING_KEY = Pattern.compile("(.+)\\.(lora_embedding_A|lora_embedding_B)(?:\\.[^.]+)?");
    /** Keys of LoRA variants and other PEFT types whose merge is not {@code W + scale·B·A}. */
    private static final Pattern OTHER_KEY = Pattern.compile(
            ".*\\.(lora_magnitude_vector|lora_E|hada_w\\d_[ab]|lokr_w\\d.*|vera_lambda_[bd]|ia3_l)(\\..*)?");

    public LoraAdapter {
        modules = List.copyOf(modules);
        replacements = Collections.unmodifiableMap(new LinkedHashMap<>(replacements));
        problems = List.copyOf(problems);
    }

    /** The adapter of a PEFT adapter folder; empty for any other checkpoint. */
    public static Optional<LoraAdapter> of(Checkpoint c) {
        if (c.folder() == null || c.folder().kind() != CheckpointFolder.Kind.PEFT_ADAPTER
                || !(c.metadata() instanceof PyValue.Dict meta)
                || !(meta.get(CheckpointFolder.ADAPTER_CONFIG) instanceof PyValue.Dict config)) {
            return Optional.empty();
        }
        return Optional.of(read(LoraConfig.of(config), c.tensors()));
    }

    /** The adapter described by {@code config} whose saved tensors are {@code tensors}. */
    public static LoraAdapter read(LoraConfig config, List<TensorRef> tensors) {
        Map<String, Map<String, TensorRef>> factors = new LinkedHashMap<>();
        Map<String, TensorRef> replacements = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (config.variant() != null) {
            problems.add(config.variant());
        }
        for (TensorRef t : tensors) {
            String key = stripPrefix(t.key());
            Matcher linear = LINEAR_KEY.matcher(key);
            Matcher embedding = EMBEDDING_KEY.matcher(key);
            if (OTHER_KEY.matcher(key).matches()) {
                problems.add(t.key() + ": a " + kindOf(key) + " tensor; the merge is not W + scale·B·A");
            } else if (linear.matches()) {
                String part = linear.group(2) + (linear.group(3).equals("bias") ? ".bias" : "");
                if (part.equals("lora_A.bias")) {
                    problems.add(t.key() + ": lora_A has no bias in peft");
                }
                factors.computeIfAbsent(linear.group(1), k -> new LinkedHashMap<>()).put(part, t);
            } else if (embedding.matches()) {
                factors.computeIfAbsent(embedding.group(1), k -> new LinkedHashMap<>()).put(embedding.group(2), t);
            } else {
                // peft loads these over the base model's own tensors.
                replacements.put(key.replace(".base_layer.", ".").replaceAll("\\.modules_to_save\\.[^.]+\\.", "."), t);
            }
        }
        List<LoraModule> modules = new ArrayList<>();
        factors.forEach((name, parts) -> {
            LoraModule module = module(config, name, parts, problems);
            if (module != null) {
                modules.add(module);
            }
        });
        return new LoraAdapter(config, modules, replacements, problems);
    }

    /** True when the adapter can be merged as peft's {@code merge_and_unload} merges it. */
    public boolean mergeable() {
        return problems.isEmpty();
    }

    /** The module with this name, if the adapter changes it. */
    public Optional<LoraModule> module(String name) {
        return modules.stream().filter(m -> m.module().equals(name)).findFirst();
    }

    private static LoraModule module(LoraConfig config, String name, Map<String, TensorRef> parts,
            List<String> problems) {
        boolean embedding = parts.containsKey("lora_embedding_A") || parts.containsKey("lora_embedding_B");
        TensorRef a = parts.get(embedding ? "lora_embedding_A" : "lora_A");
        TensorRef b = parts.get(embedding ? "lora_embedding_B" : "lora_B");
        if (a == null || b == null) {
            problems.add(name + ": " + (a == null ? "lora_A" : "lora_B") + " is missing");
            return null;
        }
        boolean conv = !embedding && a.rank() >= 3 && a.rank() <= 5 && b.rank() == a.rank();
        if (conv) {
            String refused = convRefusal(a, b);
            if (refused != null) {
                problems.add(name + ": " + refused);
                return null;
            }
        } else if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != b.dim(1)) {
            problems.add(name + ": factors of shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " do not multiply (B·A needs B [out, r], A [r, in]; a "
                    + "convolution B [out, r, 1…], A [r, in, k…]); this layer type is not merged by this version");
            return null;
        }
        int rank = config.rankOf(name);
        if (rank != a.dim(0)) {
            problems.add(name + ": the config gives rank " + rank + " but lora_A has " + a.dim(0) + " rows");
        }
        double alpha = config.alphaOf(name);
        LoraModule.Kind kind = embedding ? LoraModule.Kind.EMBEDDING
                : conv ? LoraModule.Kind.CONV : LoraModule.Kind.LINEAR;
        // peft's conv layers ignore fan_in_fan_out: their weights are always [out, in, k…].
        return new LoraModule(name, kind, a, b, parts.get("lora_B.bias"), rank, alpha, config.scaleOf(name, rank),
                embedding || (!conv && config.fanInFanOut()));
    }

    /**
     * Why peft's conv LoRA {@code B [out, r/groups, 1…]}, {@code A [r, in, k…]} is not merged as B·A, or null when
     * it is: a grouped convolution (peft's {@code merge} raises for {@code groups > 1}) or a {@code lora_B} whose
     * kernel is not 1 (peft always makes it 1).
     */
    private static String convRefusal(TensorRef a, TensorRef b) {
        for (int d = 2; d < b.rank(); d++) {
            if (b.dim(d) != 1) {
                return "a convolution LoRA whose lora_B " + Arrays.toString(b.shape()) + " has a kernel other than "
                        + "1; peft makes lora_B a 1×1 convolution, so this is not peft's conv LoRA and is not merged";
            }
        }
        if (b.dim(1) != a.dim(0)) {
            if (b.dim(1) > 0 && a.dim(0) % b.dim(1) == 0) {
                return "a LoRA on a grouped convolution (groups = " + a.dim(0) / b.dim(1) + ": lora_B "
                        + Arrays.toString(b.shape()) + " takes " + b.dim(1) + " of lora_A's " + a.dim(0)
                        + " channels per group); peft does not merge grouped convolutions (groups > 1) either";
            }
            return "convolution factors of shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " do not multiply (lora_B's input channels must be lora_A's rank)";
        }
        return null;
    }

    static String stripPrefix(String key) {
        for (String p : PREFIXES) {
            if (key.startsWith(p)) {
                return key.substring(p.length());
            }
        }
        return key;
    }

    private static String kindOf(String key) {
        Matcher m = OTHER_KEY.matcher(key);
        if (!m.matches()) {
            return "PEFT";
        }
        String k = m.group(1);
        return k.equals("lora_magnitude_vector") ? "DoRA" : k.equals("lora_E") ? "AdaLoRA"
                : k.startsWith("hada") ? "LoHa" : k.startsWith("lokr") ? "LoKr" : k.startsWith("vera") ? "VeRA" : "IA3";
    }
}
