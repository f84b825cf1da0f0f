package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipOutputStream;
import org.ckptinspector.PickleBuilder;
import org.ckptinspector.StoredZip;
import org.ckptinspector.UstarHeader;
import org.ckptinspector.format.safetensors.SafetensorsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect --json} and {@code scan --json} on every hostile input in a JVM with a 256 MiB heap and a 512 KiB
 * thread stack: the hostile corpus, plus inputs generated here just beyond (or, where they must still open, just
 * within) each resource limit, which are too large to commit. Every run must end with exit code 0, 1 or 2 within
 * a minute, and no diagnostic may mention an exhausted JVM or a stack trace.
 */
class LowMemoryCliTest {
    private static final long MAX_MILLIS_PER_RUN = 60_000;

    @TempDir
    Path dir;

    @Test
    void everyHostileInputInA256MegabyteJvm() throws Exception {
        List<Path> generated = generate();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Xss512k", "-cp", System.getProperty("java.class.path"),
                LowMemoryCliTest.class.getName(), HostileCorpus.ROOT.toString(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "timed out: " + out);
        List<String> bad = out.lines().filter(l -> !l.startsWith("OK ") && !l.startsWith("DONE ")).toList();
        assertEquals(List.of(), bad, out);
        assertEquals(0, p.exitValue(), out);
        long files = HostileCorpus.entries().size() + generated.size();
        assertTrue(out.contains("DONE " + 2 * files + " runs"), out);
        for (Path g : generated) {
            assertTrue(out.contains("OK " + g + " inspect"), g + " not run: " + out);
        }
    }

    /**
     * inspect --json and stats --json of the most tensors a safetensors file may declare, printed to a file by a JVM
     * with a heap the documents would not fit in as trees: built as trees first, they needed ~190 MiB and over
     * 512 MiB; written as streams, 128 and 384 MiB are enough with room to spare.
     */
    @Test
    void documentsOfTheMostTensorsAreWrittenAsStreams() throws Exception {
        Path file = safetensors(SafetensorsReader.MAX_TENSORS);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String[] run : new String[][] {{"inspect", "128m"}, {"stats", "384m"}}) {
            Path out = dir.resolve(run[0] + ".json");
            Path err = dir.resolve(run[0] + ".err");
            Process p = new ProcessBuilder(java, "-Xmx" + run[1], "-cp", System.getProperty("java.class.path"),
                    "org.ckptinspector.Main", run[0], file.toString(), "--json")
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean done = p.waitFor(5, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            assertTrue(done, run[0] + " timed out");
            assertEquals(0, p.exitValue(), run[0] + " -Xmx" + run[1] + ": " + Files.readString(err));
            assertEquals(SafetensorsReader.MAX_TENSORS, tensorsIn(out), run[0]);
        }
    }

    /** How many objects the document's top-level {@code tensors} array holds, read as a stream. */
    private static int tensorsIn(Path json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json.toFile())) {
            int depth = 0;
            int tensors = 0;
            boolean inTensors = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && depth == 1) {
                    inTensors = p.currentName().equals("tensors");
                } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (inTensors && depth == 2 && t == JsonToken.START_OBJECT) {
                        tensors++;
                    }
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
            return tensors;
        }
    }

    /** Child JVM: runs both commands on every file of the given folders, one line per run. */
    /**
     * Runs {@link #main} on {@code root} in a 128 MiB JVM and asserts every file's inspect and scan ended cleanly
     * (exit 0, 1 or 2, no stack trace, no exhausted heap); returns the number of runs.
     */
    static int assertEveryFileCleanIn128MegabyteJvm(Path root) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-Xss512k", "-cp", System.getProperty("java.class.path"),
                LowMemoryCliTest.class.getName(), root.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(List.of(), out.lines().filter(l -> !l.startsWith("OK ") && !l.startsWith("DONE ")).toList());
        return out.lines().filter(l -> l.startsWith("DONE ")).mapToInt(l -> Integer.parseInt(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no DONE line: " + out));
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String root : args) {
            try (Stream<Path> s = Files.walk(Path.of(root))) {
                s.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".py")
                        && !f.getFileName().toString().equals("manifest.json")).sorted().forEach(files::add);
            }
        }
        int runs = 0;
        for (Path f : files) {
            for (String command : new String[] {"inspect", "scan"}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                long start = System.nanoTime();
                int code = Cli.run(new String[] {command, f.toString(), "--json"},
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                                StandardCharsets.UTF_8));
                long millis = (System.nanoTime() - start) / 1_000_000;
                String diagnostics = err.toString(StandardCharsets.UTF_8);
                boolean clean = Stream.of("OutOfMemoryError", "StackOverflowError", "out of resources",
                        "internal error", "\tat ", "unexpected structure").noneMatch(diagnostics::contains);
                boolean ok = code >= 0 && code <= 2 && clean && millis < MAX_MILLIS_PER_RUN;
                System.out.println((ok ? "OK " : "BAD ") + f + " " + command + " exit " + code + " " + millis + " ms"
                        + (ok ? "" : ": " + diagnostics.strip()));
                runs++;
            }
        }
        System.out.println("DONE " + runs + " runs");
    }

    /** Inputs at the limits; each one's comment names the limit it probes. */
    private List<Path> generate() throws IOException {
        List<Path> files = new ArrayList<>();
        // ZipRecords.MAX_RECORDS: more central-directory entries than the reader keeps; the scanner walks them
        files.add(zip("many_records.pt", emptyDict(), 150_000));
        // TorchTarReader.MAX_MEMBERS: a tar of 20 000 empty members
        files.add(tar("many_members.pt", 20_000));
        // PickleLimits.MAX_VALUE_BYTES: a million dicts in lists
        PickleBuilder dicts = PickleBuilder.proto2().op(']');
        for (int i = 0; i < 10; i++) {
            dicts.mark().repeat('}', 100_000).op('e');
        }
        files.add(zip("many_dicts.pt", dicts.stop(), 0));
        // PickleScanner.MAX_MEMO and the reader's memo charge: 1.2 million MEMOIZEs
        files.add(zip("memo.pt", new PickleBuilder().op(0x80).op(4).op('N').repeat(0x94, 1_200_000).stop(), 0));
        // PickleReader.MAX_TEXT_BYTES and the value budget: two strings of 31 MiB in a list
        byte[] text = new byte[31 << 20];
        java.util.Arrays.fill(text, (byte) 'a');
        PickleBuilder strings = PickleBuilder.proto2().op(']').mark();
        for (int i = 0; i < 2; i++) {
            strings.op('X').raw(PickleBuilder.le4(text.length)).raw(text);
        }
        files.add(zip("big_strings.pt", strings.op('e').stop(), 0));
        // InflatedBytes.Budget and InflatedRecord.Budget: a DEFLATE data.pkl that declares 9 GiB
        files.add(declaredNineGibibytes());
        // SafetensorsReader.MAX_TENSORS: the most tensors a file may declare still open, and print as JSON
        files.add(safetensors(SafetensorsReader.MAX_TENSORS));
        return files;
    }

    private static byte[] emptyDict() {
        return PickleBuilder.proto2().op('}').stop();
    }

    private Path zip(String name, byte[] dataPkl, int extraRecords) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
            StoredZip.put(zip, "archive/data.pkl", dataPkl);
            StoredZip.put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < extraRecords; i++) {
                StoredZip.put(zip, "archive/extra/" + i, new byte[0]);
            }
        }
        return p;
    }

    private Path tar(String name, int members) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(p)) {
            for (int i = 0; i < members; i++) {
                os.write(UstarHeader.of("m" + i, 0));
            }
            os.write(new byte[1024]);
        }
        return p;
    }

    /** A zip written by hand: one DEFLATE data.pkl whose ZIP64 extra field declares 9 GiB, and a version. */
    private Path declaredNineGibibytes() throws IOException {
        byte[] name = "archive/data.pkl".getBytes(StandardCharsets.US_ASCII);
        byte[] deflated = {0x03, 0x00};
        long declared = 9L << 30;
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 8).putInt(0).putInt(0)
                .putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20).put(name)
                .putShort((short) 1).putShort((short) 16).putLong(declared).putLong(deflated.length).put(deflated);
        int central = b.position();
        b.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 8)
                .putInt(0).putInt(0).putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(name)
                .putShort((short) 1).putShort((short) 16).putLong(declared).putLong(deflated.length);
        int end = b.position();
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(end - central).putInt(central).putShort((short) 0);
        Path p = dir.resolve("declared_9gib.pt");
        Files.write(p, java.util.Arrays.copyOf(b.array(), b.position()));
        return p;
    }

    private Path safetensors(int tensors) throws IOException {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < tensors; i++) {
            h.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"U8\",\"shape\":[1],")
                    .append("\"data_offsets\":[").append(i).append(',').append(i + 1).append("]}");
        }
        byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("max_tensors.safetensors");
        try (OutputStream os = Files.newOutputStream(p)) {
            os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            os.write(header);
            os.write(new byte[tensors]);
        }
        return p;
    }
}
