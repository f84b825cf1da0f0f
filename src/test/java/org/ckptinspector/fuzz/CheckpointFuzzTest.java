package org.ckptinspector.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipOutputStream;
import org.ckptinspector.StoredZip;
import org.ckptinspector.format.dcp.DcpReader;
import org.ckptinspector.format.gguf.GgufReader;
import org.ckptinspector.format.numpy.NumpyReader;
import org.ckptinspector.format.pt2.Pt2Reader;
import org.ckptinspector.format.safetensors.SafetensorsReader;
import org.ckptinspector.format.torch.TorchLegacyReader;
import org.ckptinspector.format.torch.TorchTarReader;
import org.ckptinspector.format.torch.TorchZipReader;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.report.InspectReport;
import org.ckptinspector.security.CheckpointScanner;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorHash;
import java.util.Set;
import java.util.TreeSet;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.security.CheckpointGlobals;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;
import org.ckptinspector.security.ScanFinding;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of everything that parses untrusted bytes. Each target feeds the input to one reader
 * (through a file where the reader takes a path) and accepts exactly two outcomes: a checkpoint, which is then
 * walked as {@code inspect} walks it, or a {@link CheckpointException}. Any other exception, an OutOfMemoryError,
 * a StackOverflowError or a timeout is a finding.
 *
 * <p>A normal {@code mvn verify} replays the seed corpus in {@code CheckpointFuzzTestInputs/<target>/} (fixtures,
 * the hostile corpus and every regression input). {@code JAZZER_FUZZ=1 mvn test -Dtest=CheckpointFuzzTest#zipReader
 * -Djazzer.max_executions=1000000} fuzzes one target.
 */
class CheckpointFuzzTest {
    /** Tensors up to this many elements are hashed, which reads their bytes through arbitrary strides. */
    private static final long HASHED_ELEMENTS = 4096;
    private static final String DISTCP = "__0_0.distcp";
    private static Path scratch;
    private static Path dcp;

    @FuzzTest
    void pickleInterpreter(byte[] pickle) throws IOException {
        accept(write(torchZip(pickle)), TorchZipReader::read);
    }

    @FuzzTest
    void zipReader(byte[] data) throws IOException {
        accept(write(data), TorchZipReader::read);
    }

    @FuzzTest
    void legacyReader(byte[] data) throws IOException {
        accept(write(data), TorchLegacyReader::read);
    }

    @FuzzTest
    void tarReader(byte[] data) throws IOException {
        accept(write(data), TorchTarReader::read);
    }

    @FuzzTest
    void safetensorsReader(byte[] data) throws IOException {
        try {
            SafetensorsReader.Parsed parsed = SafetensorsReader.parse(Path.of("fuzz.safetensors"),
                    ByteRegion.of(data));
            for (TensorRef t : parsed.tensors()) {
                hashIfSmall(t);
            }
        } catch (CheckpointException expected) {
            // refusing bad input is the other acceptable outcome
        }
    }

    @FuzzTest
    void ggufReader(byte[] data) throws IOException {
        accept(write(data), GgufReader::read);
    }

    @FuzzTest
    void npyReader(byte[] data) throws IOException {
        accept(write(data), NumpyReader::readNpy);
    }

    @FuzzTest
    void npzReader(byte[] data) throws IOException {
        accept(write(data), NumpyReader::readNpz);
    }

    @FuzzTest
    void pt2Reader(byte[] data) throws IOException {
        accept(write(data), Pt2Reader::read);
    }

    /** The {@code .metadata} pickle of a DCP folder whose items are the DCP fixture's {@code __0_0.distcp}. */
    @FuzzTest
    void dcpMetadata(byte[] metadata) throws IOException {
        Path dir = dcpFolder();
        Files.write(dir.resolve(".metadata"), metadata);
        accept(dir, DcpReader::read);
    }

    @FuzzTest
    void scanner(byte[] data) throws IOException {
        Path file = write(data);
        try {
            CheckpointScanner.scan(file, TaskMonitor.NONE);
        } catch (CheckpointException expected) {
            // a file that is no checkpoint at all
        }
    }

    /**
     * Any zip, tar or pickle stream, opened as {@code inspect} opens it and scanned as {@code scan} scans it,
     * both through the one container layer: every dangerous global the reader names, the scanner must find.
     */
    @FuzzTest
    void readerAndScannerAgree(byte[] data) throws IOException {
        Path file = write(data);
        Set<String> scanned = new TreeSet<>();
        try {
            for (ScanFinding f : CheckpointScanner.scan(file, TaskMonitor.NONE).globals()) {
                if (f.globalClass() == GlobalClass.DANGEROUS) {
                    scanned.add(f.global().qualifiedName());
                }
            }
        } catch (CheckpointException refused) {
            // then the reader must not name a dangerous global either
        }
        try (Checkpoint c = CheckpointOpener.open(file)) {
            for (String g : CheckpointGlobals.names(c)) {
                if (GlobalPolicy.classify(g) == GlobalClass.DANGEROUS && !scanned.contains(g)) {
                    throw new AssertionError("the reader names " + g + ", the scanner found " + scanned);
                }
            }
        } catch (CheckpointException expected) {
            // refusing bad input is the other acceptable outcome
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (scratch != null) {
            Files.deleteIfExists(scratch);
        }
        if (dcp != null) {
            for (String name : new String[] {".metadata", DISTCP}) {
                Files.deleteIfExists(dcp.resolve(name));
            }
            Files.deleteIfExists(dcp);
        }
    }

    /** A reader; the checkpoint it returns is closed after use. */
    private interface Reader {
        Checkpoint read(Path file) throws IOException;
    }

    private static void accept(Path file, Reader reader) throws IOException {
        try (Checkpoint c = reader.read(file)) {
            InspectReport.toJson(c, false);
            for (TensorRef t : c.tensors()) {
                hashIfSmall(t);
            }
        } catch (CheckpointException expected) {
            // refusing bad input is the other acceptable outcome
        }
    }

    private static void hashIfSmall(TensorRef t) throws IOException {
        if (t.isReadable() && t.numel() <= HASHED_ELEMENTS) {
            TensorHash.sha256(t);
        }
    }

    /** One scratch file, rewritten for every input, so fuzzing does not litter the temp directory. */
    private static Path write(byte[] data) throws IOException {
        if (scratch == null) {
            scratch = Files.createTempFile("ckpt-fuzz-", ".bin");
        }
        return Files.write(scratch, data);
    }

    /** One scratch DCP folder holding the fixture's data file; each input rewrites its {@code .metadata}. */
    private static Path dcpFolder() throws IOException {
        if (dcp == null) {
            dcp = Files.createTempDirectory("ckpt-fuzz-dcp-");
            Files.copy(Path.of("src/test/resources/fixtures/llm-folders/dcp", DISTCP), dcp.resolve(DISTCP));
        }
        return dcp;
    }

    /** A torch zip around {@code pickle}: data.pkl plus two storages of 64 bytes, a version and a byteorder. */
    static byte[] torchZip(byte[] pickle) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(pickle.length + 1024);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            StoredZip.put(zip, "archive/data.pkl", pickle);
            StoredZip.put(zip, "archive/data/0", new byte[64]);
            StoredZip.put(zip, "archive/data/1", new byte[64]);
            StoredZip.put(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            StoredZip.put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

}
