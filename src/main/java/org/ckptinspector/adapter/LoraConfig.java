package org.ckptinspector.adapter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ckptinspector.model.PyValue;

/**
 * The fields of a PEFT {@code adapter_config.json} that decide which modules an adapter changes and by how much,
 * read as peft's {@code LoraConfig} reads them.
 *
 * @param peftType {@code LORA}, {@code IA3}, … as the config names it
 * @param r the default rank
 * @param loraAlpha the default alpha
 * @param targetModules the names (or, when {@code targetRegex}, the one regex) of the targeted modules
 * @param targetRegex true when {@code target_modules} is a string, which peft full-matches as a regex
 * @param rankPattern {@code {pattern: r}} overrides, in the config's order
 * @param alphaPattern {@code {pattern: alpha}} overrides, in the config's order
 * @param useRslora scale = alpha / √r instead of alpha / r
 * @param fanInFanOut the base weights are stored {@code [in, out]} (GPT-2's Conv1D), so ΔW is transposed
 * @param modulesToSave modules saved whole in the adapter, which replace the base's
 * @param loraBias {@code lora_B} has a bias that is added to the base bias
 * @param variant why the merge is not {@code W + scale·B·A} (DoRA, another PEFT type), or null for plain LoRA
 */
public record LoraConfig(String peftType, int r, double loraAlpha, List<String> targetModules, boolean targetRegex,
        Map<String, Integer> rankPattern, Map<String, Double> alphaPattern, boolean useRslora, boolean fanInFanOut,
        List<String> modulesToSave, boolean loraBias, String variant) {

    /** Config switches that make the merged weight something other than {@code W + scale·B·A}. */
    private static final List<String> VARIANTS = List.of("use_dora", "alora_invocation_tokens", "arrow_config",
            "use_bdlora", "velora_config", "monteclora_config", "kasa_config", "use_qalora", "layer_replication",
            "trainable_token_indices", "target_parameters");

    public LoraConfig {
        targetModules = List.copyOf(targetModules);
        rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
        modulesToSave = List.copyOf(modulesToSave);
    }

    /** Reads {@code adapter_config.json} as parsed into {@code config}. */
    public static LoraConfig of(PyValue.Dict config) {
        String type = text(config.get("peft_type"), "LORA");
        int r = (int) number(config.get("r"), 8);
        double alpha = number(config.get("lora_alpha"), 8);
        List<String> targets = new ArrayList<>();
        boolean regex = false;
        PyValue t = config.get("target_modules");
        if (t instanceof PyValue.Str s) {
            targets.add(s.value());
            regex = true;
        } else {
            targets.addAll(strings(t));
        }
        Map<String, Integer> ranks = new LinkedHashMap<>();
        patterns(config.get("rank_pattern")).forEach((k, v) -> ranks.put(k, (int) v.doubleValue()));
        String variant = null;
        if (!"LORA".equals(type)) {
            variant = "a " + type + " adapter, not LoRA";
        } else {
            for (String v : VARIANTS) {
                if (isSet(config.get(v))) {
                    variant = v + " is set: the merged weight is not W + scale·B·A";
                    break;
                }
            }
            if (variant == null && "mica".equals(text(config.get("init_lora_weights"), ""))) {
                variant = "init_lora_weights is \"mica\": the merged weight is not W + scale·B·A";
            }
        }
        return new LoraConfig(type, r, alpha, targets, regex, ranks, patterns(config.get("alpha_pattern")),
                isSet(config.get("use_rslora")), isSet(config.get("fan_in_fan_out")),
                strings(config.get("modules_to_save")), isSet(config.get("lora_bias")), variant);
    }

    /** The rank of {@code module} (its name relative to the base model), as {@code rank_pattern} gives it. */
    public int rankOf(String module) {
        return rankPattern.getOrDefault(patternKey(rankPattern.keySet(), module), r);
    }

    /** The alpha of {@code module}, as {@code alpha_pattern} gives it. */
    public double alphaOf(String module) {
        return alphaPattern.getOrDefault(patternKey(alphaPattern.keySet(), module), loraAlpha);
    }

    /** peft's {@code scaling}: alpha / √r with {@code use_rslora}, else alpha / r. */
    public double scaleOf(String module, int rank) {
        double alpha = alphaOf(module);
        return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /**
     * peft's {@code get_pattern_key}: the first pattern {@code p} (in the config's order) for which
     * {@code re.match(r"(.*\.)?(p)$", module)} matches, else the module name itself.
     */
    static String patternKey(Iterable<String> patterns, String module) {
        for (String p : patterns) {
            try {
                if (Pattern.compile("(.*\\.)?(" + p + ")$").matcher(module).lookingAt()) {
                    return p;
                }
            } catch (PatternSyntaxException e) {
                // Python would have refused the pattern too; it matches nothing.
            }
        }
        return module;
    }

    private static boolean isSet(PyValue v) {
        if (v == null || v instanceof PyValue.None) {
            return false;
        }
        if (v instanceof PyValue.Bool b) {
            return b.value();
        }
        if (v instanceof PyValue.PyList l) {
            return l.size() > 0;
        }
        if (v instanceof PyValue.Dict d) {
            return d.size() > 0;
        }
        if (v instanceof PyValue.Int i) {
            return i.longValue() != 0;
        }
        return true;
    }

    private static String text(PyValue v, String otherwise) {
        return v instanceof PyValue.Str s ? s.value() : otherwise;
    }

    private static double number(PyValue v, double otherwise) {
        if (v instanceof PyValue.Int i) {
            return i.longValue();
        }
        if (v instanceof PyValue.Float f) {
            return f.value();
        }
        return otherwise;
    }

    private static List<String> strings(PyValue v) {
        List<String> out = new ArrayList<>();
        if (v instanceof PyValue.PyList l) {
            for (PyValue item : l.items()) {
                if (item instanceof PyValue.Str s) {
                    out.add(s.value());
                }
            }
        } else if (v instanceof PyValue.Str s) {
            out.add(s.value());
        }
        return out;
    }

    private static Map<String, Double> patterns(PyValue v) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (v instanceof PyValue.Dict d) {
            d.entries().forEach((k, value) -> {
                if (k instanceof PyValue.Str s && (value instanceof PyValue.Int || value instanceof PyValue.Float)) {
                    out.put(s.value(), number(value, 0));
                }
            });
        }
        return out;
    }
}
