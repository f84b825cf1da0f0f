package org.ckptinspector.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The pairs of src/test/resources/diff/expected.json, written by make_diff_fixtures.py with real torch. */
final class DiffExpectations {
    static final Path DIR = Path.of("src/test/resources/diff");

    private DiffExpectations() {}

    /** One pair: its files and what torch found. */
    record Pair(JsonNode node) {
        String name() {
            return node.get("name").asText();
        }

        Path a() {
            return DIR.resolve(node.get("a").asText()).normalize();
        }

        Path b() {
            return DIR.resolve(node.get("b").asText()).normalize();
        }

        String modelClass() {
            return node.get("model_class").asText();
        }

        /** The rename rule the pair was made with, as FROM=TO, or null. */
        String rename() {
            JsonNode r = node.get("rename");
            return r == null ? null : r.get("from").asText() + "=" + r.get("to").asText();
        }

        boolean selectsSubDict() {
            return node.has("select");
        }

        List<String> strings(String field) {
            return DiffExpectations.strings(node.get(field));
        }

        JsonNode load() {
            return node.get("load_state_dict");
        }

        JsonNode keys() {
            return node.get("keys");
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static List<Pair> pairs() {
        try {
            JsonNode doc = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile());
            List<Pair> out = new ArrayList<>();
            doc.get("pairs").forEach(p -> out.add(new Pair(p)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Pair pair(String name) {
        return pairs().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
