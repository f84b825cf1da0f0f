package org.ckptinspector.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The training checkpoints of src/test/resources/training (make_training.py) and what torch said of them. */
final class TrainingFixtures {
    static final Path DIR = Path.of("src/test/resources/training");
    static final List<String> VERSIONS = List.of("torch-1.13", "torch-2.13");

    private TrainingFixtures() {}

    static Path file(String version, String name) {
        return DIR.resolve(version).resolve(name);
    }

    /** The manifest make_training.py wrote for one torch version. */
    static JsonNode manifest(String version) {
        return read(DIR.resolve(version).resolve("manifest.json"));
    }

    /** What torch 2.13's torch.load (weights_only by default) said of each file, by "version/name". */
    static JsonNode weightsOnly() {
        return read(DIR.resolve("weights_only.json"));
    }

    private static JsonNode read(Path p) {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
