package org.ckptinspector.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;

/**
 * The weights of an HF model folder checked against its {@code config.json}: vocabulary size and hidden size
 * against the embedding, the layer count against the {@code layers.N} blocks, heads × head_dim against the
 * attention projections, and {@code tie_word_embeddings} against a missing {@code lm_head.weight}. A check is
 * made only where the config names the value and the weights have the tensor.
 *
 * @param findings one per check made, in the order above
 */
public record ConfigCheck(List<Finding> findings) {
    private static final List<String> EMBEDDINGS = List.of("embed_tokens.weight", "wte.weight",
            "word_embeddings.weight", "tok_embeddings.weight", "embed_in.weight");
    private static final Pattern BLOCK = Pattern.compile("(?:^|\\.)(?:layers|h|layer|blocks)\\.(\\d+)\\.");
    private static final String LM_HEAD = "lm_head.weight";

    /**
     * One comparison of a config value with the weights.
     *
     * @param field the config field ({@code vocab_size}; for derived values the expression, such as
     *     {@code num_attention_heads*head_dim})
     * @param config the value the config gives
     * @param weights what the weights have, or null when the tensor is absent
     * @param tensor the tensor compared, or null
     * @param ok whether they agree
     * @param note what the comparison means, for people
     */
    public record Finding(String field, long config, Long weights, String tensor, boolean ok, String note) {}

    public ConfigCheck {
        findings = List.copyOf(findings);
    }

    /** The check of a checkpoint opened from a folder with a {@code config.json}; empty for anything else. */
    public static Optional<ConfigCheck> of(Checkpoint c) {
        if (c.folder() == null || c.folder().kind() == CheckpointFolder.Kind.PEFT_ADAPTER
                || !(c.folder().config() instanceof PyValue.Dict config)) {
            return Optional.empty();
        }
        return Optional.of(new ConfigCheck(new Checker(c.tensors(), textConfig(config)).run()));
    }

    /** True when a config was found that ties {@code key} (an {@code lm_head.weight}) to the embedding. */
    public Optional<Finding> tie(String key) {
        if (!key.endsWith(LM_HEAD)) {
            return Optional.empty();
        }
        return findings.stream().filter(f -> f.field().equals("tie_word_embeddings") && f.config() == 1
                && f.weights() == null).findFirst();
    }

    private static PyValue.Dict textConfig(PyValue.Dict config) {
        // Multimodal configs keep the language model's values under text_config.
        return config.get("text_config") instanceof PyValue.Dict text && config.get("vocab_size") == null ? text
                : config;
    }

    private record Checker(List<TensorRef> tensors, PyValue.Dict config) {
        List<Finding> run() {
            List<Finding> out = new ArrayList<>();
            TensorRef embedding = find(EMBEDDINGS);
            Long vocab = integer("vocab_size");
            if (vocab != null && embedding != null && embedding.rank() == 2) {
                out.add(compare("vocab_size", vocab, embedding.dim(0), embedding, "embedding rows"));
            }
            String hiddenName = first("hidden_size", "n_embd", "d_model");
            Long hidden = hiddenName == null ? null : integer(hiddenName);
            if (hidden != null && embedding != null && embedding.rank() == 2) {
                out.add(compare(hiddenName, hidden, embedding.dim(1), embedding, "embedding columns"));
            }
            String layersName = first("num_hidden_layers", "n_layer", "num_layers");
            Set<Integer> blocks = blocks();
            if (layersName != null && !blocks.isEmpty()) {
                long count = blocks.size();
                out.add(new Finding(layersName, integer(layersName), count, null, count == integer(layersName),
                        count + " blocks numbered " + blocks.iterator().next() + ".." + ((TreeSet<Integer>) blocks)
                                .last() + " in the weights"));
            }
            Long heads = integer("num_attention_heads");
            Long headDim = integer("head_dim");
            if (headDim == null && heads != null && hidden != null && heads > 0) {
                headDim = hidden / heads;
            }
            if (heads != null && headDim != null) {
                TensorRef q = find(List.of("q_proj.weight", "attention.wq.weight", "attn.q.weight"));
                if (q != null && q.rank() == 2) {
                    out.add(compare("num_attention_heads*head_dim", heads * headDim, q.dim(0), q,
                            heads + " heads × " + headDim + " vs the query projection's rows"));
                }
                Long kvHeads = integer("num_key_value_heads");
                TensorRef k = find(List.of("k_proj.weight", "attention.wk.weight", "attn.k.weight"));
                if (kvHeads != null && k != null && k.rank() == 2) {
                    out.add(compare("num_key_value_heads*head_dim", kvHeads * headDim, k.dim(0), k,
                            kvHeads + " key/value heads × " + headDim + " vs the key projection's rows"));
                }
            }
            if (config.get("tie_word_embeddings") instanceof PyValue.Bool tie) {
                TensorRef head = find(List.of(LM_HEAD));
                String tied = embedding == null ? "the input embedding" : embedding.key();
                boolean ok = head != null || tie.value();
                String note = head == null && tie.value() ? LM_HEAD + " is not saved: tied to " + tied
                        : head == null ? "untied, but the weights have no " + LM_HEAD
                        : tie.value() ? LM_HEAD + " is saved although tied to " + tied + "; transformers ties it"
                        : LM_HEAD + " is saved, untied";
                out.add(new Finding("tie_word_embeddings", tie.value() ? 1 : 0, head == null ? null : 1L,
                        head == null ? null : head.key(), ok, note));
            }
            return out;
        }

        private static Finding compare(String field, long config, long weights, TensorRef t, String what) {
            return new Finding(field, config, weights, t.key(), config == weights, what + " of " + t.key()
                    + ": " + weights + (config == weights ? "" : ", config.json says " + config));
        }

        /** The first tensor (in file order) whose key is or ends with one of {@code suffixes}. */
        private TensorRef find(List<String> suffixes) {
            for (TensorRef t : tensors) {
                for (String s : suffixes) {
                    if (t.key().equals(s) || t.key().endsWith("." + s)) {
                        return t;
                    }
                }
            }
            return null;
        }

        private Set<Integer> blocks() {
            Set<Integer> out = new TreeSet<>();
            for (TensorRef t : tensors) {
                Matcher m = BLOCK.matcher(t.key());
                if (m.find() && m.group(1).length() < 9) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
            return out;
        }

        private String first(String... names) {
            for (String n : names) {
                if (integer(n) != null) {
                    return n;
                }
            }
            return null;
        }

        private Long integer(String name) {
            return config.get(name) instanceof PyValue.Int i && i.value().bitLength() < 63 ? i.longValue() : null;
        }
    }
}
