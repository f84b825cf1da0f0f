import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the command line's outputs for every test fixture (inspect as text, --json and --json --hash) and for
 * --version and the help texts, as produced by the jar on the class path, into one file per run. Run from the
 * project root by generate.sh; CliGoldenOutputTest replays every file against the current build.
 */
public class Generate {
    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        Files.createDirectories(out);
        try (Stream<Path> old = Files.list(out)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }
        Method run = Class.forName("org.ckptinspector.cli.Cli")
                .getMethod("run", String[].class, PrintStream.class, PrintStream.class);
        List<List<String>> cases = new ArrayList<>();
        cases.add(List.of("--version"));
        cases.add(List.of("--help"));
        for (String c : List.of("inspect", "stats", "diff", "export", "scan", "trajectory")) {
            cases.add(List.of(c, "--help"));
        }
        for (Path f : fixtures(Path.of("src/test/resources/fixtures"))) {
            cases.add(List.of("inspect", f.toString()));
            cases.add(List.of("inspect", f.toString(), "--json"));
            cases.add(List.of("inspect", f.toString(), "--json", "--hash"));
        }
        for (List<String> c : cases) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            int code = (int) run.invoke(null, c.toArray(String[]::new), new PrintStream(o, true, "UTF-8"),
                    new PrintStream(e, true, "UTF-8"));
            String name = String.join("_", c).replace("src/test/resources/fixtures/", "")
                    .replaceAll("[^A-Za-z0-9._-]", "_");
            ByteArrayOutputStream doc = new ByteArrayOutputStream();
            doc.write(("args: " + String.join("\t", c) + "\nexit: " + code + "\n--- stdout\n")
                    .getBytes(StandardCharsets.UTF_8));
            doc.write(o.toByteArray());
            doc.write("--- stderr\n".getBytes(StandardCharsets.UTF_8));
            doc.write(e.toByteArray());
            Files.write(out.resolve(name + ".txt"), doc.toByteArray());
        }
        System.out.println(cases.size() + " outputs written to " + out);
    }

    /** The fixture files a user could open: everything but manifests, scripts and notes. */
    static List<Path> fixtures(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().matches("manifest\\.json|compat\\.json|.*\\.(py|md|sh)"))
                    .sorted()
                    .toList();
        }
    }
}
