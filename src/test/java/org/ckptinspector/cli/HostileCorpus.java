package org.ckptinspector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The hostile corpus in src/test/resources/hostile and what its manifest expects of each file. */
final class HostileCorpus {
    static final Path ROOT = Path.of(System.getProperty("hostile.dir", "src/test/resources/hostile"));

    private HostileCorpus() {}

    /** One file of the corpus with its manifest entry. */
    record Entry(JsonNode node) {
        String name() {
            return node.get("file").asText();
        }

        Path path() {
            return ROOT.resolve(name());
        }

        String category() {
            return node.get("category").asText();
        }

        JsonNode scan() {
            return node.get("scan");
        }

        JsonNode open() {
            return node.get("open");
        }

        List<String> strings(JsonNode parent, String field) {
            List<String> out = new ArrayList<>();
            if (parent.has(field)) {
                parent.get(field).forEach(v -> out.add(v.asText()));
            }
            return out;
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static List<Entry> entries() {
        try {
            JsonNode manifest = new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile());
            List<Entry> out = new ArrayList<>();
            manifest.get("files").forEach(f -> out.add(new Entry(f)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
