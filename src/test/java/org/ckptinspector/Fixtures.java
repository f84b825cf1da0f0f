package org.ckptinspector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real torch/safetensors files under src/test/resources/fixtures and their manifests of ground truth. */
public final class Fixtures {
    public static final Path ROOT = Path.of(System.getProperty("fixtures.dir", "src/test/resources/fixtures"));
    public static final List<String> VERSIONS = List.of("torch-1.13", "torch-2.13");

    private Fixtures() {}

    public static Path file(String version, String name) {
        return ROOT.resolve(version).resolve(name);
    }

    public static JsonNode manifest(String version) {
        try {
            return new ObjectMapper().readTree(ROOT.resolve(version).resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One manifest entry with the folder it belongs to. */
    public record Entry(String version, JsonNode node) {
        public String name() {
            return node.get("file").asText();
        }

        public Path path() {
            return file(version, name());
        }

        public String format() {
            return node.get("format").asText();
        }
    }

    /**
     * A manifest path in the form TensorRef.path() prints: the manifest names object attributes '@attr', the CLI
     * contract names them by the attribute name.
     */
    public static String pathOf(JsonNode path) {
        List<Object> out = new ArrayList<>();
        for (JsonNode p : path) {
            if (p.isInt()) {
                out.add(p.asInt());
            } else {
                String s = p.asText();
                out.add(s.startsWith("@") ? s.substring(1) : s);
            }
        }
        return out.toString();
    }

    public static List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        for (String v : VERSIONS) {
            for (JsonNode f : manifest(v).get("files")) {
                all.add(new Entry(v, f));
            }
        }
        return all;
    }
}
