package org.ckptinspector.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.ckptinspector.export.TorchPython;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.security.CheckpointScanner;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/**
 * The scanner against real torch 1.13 and 2.13: src/test/python/torch_reads.py asks each torch which byte
 * streams {@code torch.load(path)} would unpickle (torch's own zip reader, tarfile as torch.serialization
 * calls it, the legacy-stream fallback), without unpickling anything, and every one of them must be among the
 * pickles the scanner read (compared by SHA-256). The scanner reads more on purpose (every zip member, both
 * readings of a non-zip file, entries beyond the end record's count); what torch reads it never misses. For a
 * zip, the record the reader takes as {@code data.pkl} must be exactly the one torch takes.
 */
class TorchReadsDifferentialTest {
    private static final Path SCRIPT = Path.of("src/test/python/torch_reads.py");
    private static final List<Path> CORPORA = List.of(Path.of("src/test/resources/containers"),
            Path.of("src/test/resources/hostile"));

    @Test
    void torch113() throws Exception {
        compare(TorchPython.torch113());
    }

    @Test
    void torch213() throws Exception {
        compare(TorchPython.torch213());
    }

    private static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : CORPORA) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".py")
                        && !f.toString().endsWith(".json")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static void compare(TorchPython torch) throws Exception {
        List<Path> files = files();
        JsonNode report = torch.runJson(SCRIPT, files.stream().map(Path::toString).toList()).get("files");
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (Path f : files) {
            JsonNode want = report.get(f.toString());
            Set<String> torchReads = new TreeSet<>();
            want.get("sha256").forEach(h -> torchReads.add(h.asText()));
            if (want.get("note").asText().equals("legacy stream") && !startsWithOpcode(f)) {
                continue; // CPython's unpickler stops at its first byte, having run nothing
            }
            Set<String> scanned = scannedPickles(f);
            for (String h : torchReads) {
                compared++;
                if (!scanned.contains(h)) {
                    problems.add(f + ": torch (" + want.get("note").asText() + ") unpickles " + h
                            + ", which the scan never read");
                }
            }
            if (want.get("note").asText().equals("data.pkl")) {
                String reader = readerDataPkl(f);
                if (!torchReads.contains(reader)) {
                    problems.add(f + ": the reader takes data.pkl " + reader + ", torch " + torchReads);
                }
            }
        }
        assertEquals(List.of(), problems, torch.label());
        assertTrue(compared >= 60, torch.label() + " compared only " + compared + " streams");
    }

    private static boolean startsWithOpcode(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        return b.length > 0 && org.ckptinspector.pickle.Opcode.of(b[0]) != null;
    }

    /** SHA-256 of every record, member or stream the scanner read a pickle from the start of. */
    private static Set<String> scannedPickles(Path f) throws Exception {
        Set<String> hashes = new TreeSet<>();
        try {
            CheckpointScanner.scan(f, TaskMonitor.NONE, (region, start) -> {
                if (start == 0) {
                    hashes.add(sha256(region));
                }
            });
        } catch (CheckpointException e) {
            // refused: torch's set must be empty then
        }
        return hashes;
    }

    private static String readerDataPkl(Path f) throws IOException {
        try (MappedFile m = MappedFile.open(f); ZipArchive zip = ZipArchive.open(m, f.toString())) {
            Optional<ZipEntry> e = zip.record("data.pkl");
            return e.isEmpty() ? "none" : sha256(zip.read(e.get()));
        }
    }

    private static String sha256(ByteRegion region) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (long p = 0; p < region.length(); p += 1 << 20) {
                ByteBuffer b = region.slice(p, (int) Math.min(1 << 20, region.length() - p));
                d.update(b);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
