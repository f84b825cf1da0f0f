package org.ckptinspector.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a checkpoint folder holds: its kind, the files read as its parts, its configuration, and for a DCP folder
 * where each tensor's chunks lie.
 *
 * @param kind what wrote the folder
 * @param parts the files the checkpoint was read from, in reading order
 * @param config {@code config.json} (or a PEFT adapter's {@code adapter_config.json}) as read, or None
 * @param chunks for a DCP folder, each tensor's chunks by key; empty for other kinds
 * @param unread the files of the folder that could not be read and were left out, each with the reason, in
 *     reading order (the checkpoint's warnings say the same)
 */
public record CheckpointFolder(Kind kind, List<Part> parts, PyValue config, Map<String, List<Chunk>> chunks,
        Map<String, String> unread) {
    /** The file beside a PEFT adapter's weights that describes the adapter. */
    public static final String ADAPTER_CONFIG = "adapter_config.json";

    /** The kinds of folder recognised, named as the CLI reports them. */
    public enum Kind {
        HF_MODEL("hf-model"),
        PEFT_ADAPTER("peft-adapter"),
        TRAINER_CHECKPOINT("trainer-checkpoint"),
        DCP("dcp");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name used in JSON output. */
        public String id() {
            return id;
        }
    }

    /**
     * One file of the folder.
     *
     * @param name the file name inside the folder
     * @param role what the file is for: {@code model}, {@code adapter}, {@code optimizer}, {@code scheduler},
     *     {@code rng_state}, {@code config}, {@code trainer_state}, {@code dcp-metadata}, {@code dcp-data}, …
     * @param keyPrefix the prefix (without its dot) of the keys read from this file, or empty when its keys are
     *     kept as they are
     * @param format the format it was read as ({@code safetensors}, {@code torch-zip}, {@code json}, …)
     */
    public record Part(String name, String role, String keyPrefix, String format) {
        public Part {
            Objects.requireNonNull(name);
            Objects.requireNonNull(role);
            Objects.requireNonNull(keyPrefix);
            Objects.requireNonNull(format);
        }
    }

    /**
     * One stored chunk of a DCP tensor: the box it fills in the logical tensor and where its bytes are.
     *
     * @param file the {@code .distcp} file, relative to the folder
     * @param offsets the chunk's first index in each dimension of the logical tensor
     * @param sizes the chunk's size in each dimension
     * @param byteOffset where the chunk's item (a torch.save archive) starts in {@code file}
     * @param byteLength the item's length in bytes
     */
    public record Chunk(String file, long[] offsets, long[] sizes, long byteOffset, long byteLength) {
        public Chunk {
            offsets = offsets.clone();
            sizes = sizes.clone();
        }

        @Override
        public long[] offsets() {
            return offsets.clone();
        }

        @Override
        public long[] sizes() {
            return sizes.clone();
        }
    }

    public CheckpointFolder {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(config);
        parts = List.copyOf(parts);
        chunks = Map.copyOf(chunks);
        unread = Collections.unmodifiableMap(new LinkedHashMap<>(unread));
    }
}
