package org.ckptinspector.export;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The file format an export writes. */
public enum ExportFormat {
    /** A torch.save zip archive holding a flat OrderedDict, loadable with {@code torch.load(weights_only=True)}. */
    PTH("pth"),
    /** A safetensors file. */
    SAFETENSORS("safetensors");

    private final String id;

    ExportFormat(String id) {
        this.id = id;
    }

    /** The name the CLI uses ({@code --format pth}). */
    public String id() {
        return id;
    }

    /** The format the CLI names {@code id} ({@code pth}, {@code safetensors}; any case). */
    public static Optional<ExportFormat> fromId(String id) {
        String want = id.toLowerCase(Locale.ROOT);
        for (ExportFormat f : values()) {
            if (f.id.equals(want)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The format a file name implies: {@code .safetensors}, or {@code .pt .pth .bin .ckpt} for torch. */
    public static Optional<ExportFormat> fromFileName(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) {
            return Optional.of(SAFETENSORS);
        }
        if (n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".bin") || n.endsWith(".ckpt")) {
            return Optional.of(PTH);
        }
        return Optional.empty();
    }
}
