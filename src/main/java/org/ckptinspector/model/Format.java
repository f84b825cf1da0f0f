package org.ckptinspector.model;

/** The container format a checkpoint was read from, named as the CLI reports it. */
public enum Format {
    TORCH_ZIP("torch-zip"),
    TORCH_LEGACY("torch-legacy"),
    TORCH_TAR("torch-tar"),
    SAFETENSORS("safetensors"),
    SHARDED("sharded"),
    GGUF("gguf"),
    NPY("npy"),
    NPZ("npz"),
    PT2("pt2"),
    /** A torch.distributed.checkpoint folder ({@code .metadata} and {@code .distcp} files). */
    DCP("dcp"),
    /** A folder of checkpoint files read as one checkpoint (HF model, PEFT adapter, Trainer checkpoint-N). */
    FOLDER("folder");

    private final String id;

    Format(String id) {
        this.id = id;
    }

    /** The name used in JSON output. */
    public String id() {
        return id;
    }
}
