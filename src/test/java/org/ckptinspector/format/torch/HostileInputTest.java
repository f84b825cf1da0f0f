package org.ckptinspector.format.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ckptinspector.Fixtures;
import org.ckptinspector.PickleBuilder;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.report.InspectReport;
import org.ckptinspector.values.TensorHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile input: every case ends in a clear CheckpointException that names the file, or opens with
 * warnings that say what is wrong. Never a stack overflow, an out-of-memory error or a hang. Also run in a 256 MB
 * JVM by {@link LowMemoryTest}.
 */
class HostileInputTest {
    @TempDir
    Path dir;

    @Test
    void truncatedZipIsCorruptAtEveryCut() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.file("torch-2.13", "simple_adam.pt"));
        for (int cut : new int[] {10, 30, 64, 500, 1024, 1400, whole.length / 2, whole.length - 100,
            whole.length - 22, whole.length - 1}) {
            Path p = dir.resolve("cut" + cut + ".pt");
            Files.write(p, Arrays.copyOf(whole, cut));
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(p).close());
            assertEquals(CheckpointException.Kind.CORRUPT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void truncatedLegacyFileOpensWithWarningsOrFailsClearly() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.file("torch-2.13", "simple_adam_legacy.pt"));
        // Manifest: the object pickle spans 137..662, the key list ends at 754, then the storages.
        Path inData = dir.resolve("in_data.pt");
        Files.write(inData, Arrays.copyOf(whole, whole.length - 10));
        try (Checkpoint c = CheckpointOpener.open(inData)) {
            assertEquals(4, c.tensors().size());
            assertTrue(c.warnings().stream().anyMatch(w -> w.contains("truncated")), c.warnings().toString());
            assertEquals(3, c.tensors().stream().filter(TensorRef::isReadable).count(),
                    "only the storage the cut falls in is lost");
        }
        Path inPickle = dir.resolve("in_pickle.pt");
        Files.write(inPickle, Arrays.copyOf(whole, 400));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(inPickle));
        assertTrue(e.getMessage().contains("pickle 4") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void missingStorageRecordLeavesThatTensorUnreadable() throws Exception {
        byte[] pkl = PickleBuilder.proto2().emptyDict()
                .str("a").floatTensor("0", 2, 0, new long[] {2}, new long[] {1}).setitem()
                .str("b").floatTensor("1", 3, 0, new long[] {3}, new long[] {1}).setitem().stop();
        Path p = HostileFiles.torchZip(dir, "missing.pt", pkl, "0", new byte[8]);
        try (Checkpoint c = CheckpointOpener.open(p)) {
            assertTrue(c.tensor("a").orElseThrow().isReadable());
            TensorRef b = c.tensor("b").orElseThrow();
            assertFalse(b.isReadable());
            assertTrue(b.problems().get(0).contains("missing"), b.problems().toString());
            assertEquals(List.of("the data of storage '1' (record archive/data/1) is missing"), c.warnings());
            ObjectNode json = InspectReport.toJson(c, true);
            assertTrue(json.get("tensors").get(1).get("sha256").isNull());
            assertEquals(2, json.get("warnings").size(), json.get("warnings").toString());
        }
    }

    @Test
    void outOfBoundsViewIsAProblemOnThatTensor() throws Exception {
        byte[] pkl = PickleBuilder.proto2().emptyDict()
                .str("ok").floatTensor("0", 4, 0, new long[] {2, 2}, new long[] {2, 1}).setitem()
                .str("past").floatTensor("0", 4, 2, new long[] {10}, new long[] {1}).setitem().stop();
        Path p = HostileFiles.torchZip(dir, "oob.pt", pkl, "0", new byte[16]);
        try (Checkpoint c = CheckpointOpener.open(p)) {
            assertTrue(c.warnings().isEmpty(), c.warnings().toString());
            assertTrue(c.tensor("ok").orElseThrow().isReadable());
            TensorRef past = c.tensor("past").orElseThrow();
            assertEquals(List.of("view needs 12 elements but storage 0 holds 4"), past.problems());
            assertThrows(CheckpointException.class, () -> TensorHash.sha256(past));
            assertEquals("past: view needs 12 elements but storage 0 holds 4",
                    InspectReport.toJson(c, false).get("warnings").get(0).asText());
        }
    }

    @Test
    void notACheckpointIsSaidPlainly() throws Exception {
        Path empty = Files.write(dir.resolve("empty.pt"), new byte[0]);
        assertMessage(empty, CheckpointException.Kind.NOT_A_CHECKPOINT, "the file is empty");
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        noise[0] = 0x13;
        Path random = Files.write(dir.resolve("random.pt"), noise);
        assertMessage(random, CheckpointException.Kind.NOT_A_CHECKPOINT, "not a PyTorch checkpoint");
        byte[] png = new byte[64];
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, 0, png, 0, 8);
        Path image = Files.write(dir.resolve("photo.pt"), png);
        assertMessage(image, CheckpointException.Kind.NOT_A_CHECKPOINT, "it is a PNG image");
        Path zipWithoutPickle = dir.resolve("other.zip");
        HostileFiles.writeZip(zipWithoutPickle, HostileFiles.entries("docs/readme.txt", "hello"), false);
        assertMessage(zipWithoutPickle, CheckpointException.Kind.NOT_A_CHECKPOINT, "without a data.pkl");
    }

    @Test
    void systemCallIsReportedAndNeverRun() throws Exception {
        Path marker = dir.resolve("pwned");
        byte[] pkl = PickleBuilder.proto2().global("posix", "system").mark().str("touch " + marker).tuple()
                .reduce().stop();
        Path p = HostileFiles.torchZip(dir, "evil.pt", pkl);
        try (Checkpoint c = CheckpointOpener.open(p)) {
            assertEquals("posix.system", c.globals().get(0).qualifiedName());
            assertEquals("archive/data.pkl", c.globals().get(0).record());
            assertEquals(2, c.globals().get(0).offset());
            assertTrue(c.root() instanceof PyValue.Obj o && o.cls().equals(new PyValue.Global("posix", "system")));
            ObjectNode json = InspectReport.toJson(c, false);
            assertEquals("posix.system", json.get("unsafe_globals").get(0).asText());
        }
        assertFalse(Files.exists(marker));
    }

    @Test
    void deepNestingIsALimitNotAStackOverflow() throws Exception {
        int n = 100_000;
        byte[] lists = PickleBuilder.proto2().repeat(']', n).repeat('a', n - 1).stop();
        assertLimit(HostileFiles.torchZip(dir, "lists.pt", lists), "nested deeper than 5000");
        byte[] tuples = PickleBuilder.proto2().repeat('(', n).repeat('t', n).stop();
        assertLimit(HostileFiles.torchZip(dir, "tuples.pt", tuples), "nested deeper than 5000");
        PickleBuilder dicts = PickleBuilder.proto2();
        for (int i = 0; i < n; i++) {
            dicts.emptyDict().str("k");
        }
        byte[] nestedDicts = dicts.emptyDict().repeat('s', n).stop();
        assertLimit(HostileFiles.torchZip(dir, "dicts.pt", nestedDicts), "nested deeper than 5000");
    }

    @Test
    void hugeDeclaredLengthsAreRefusedWithoutAllocating() throws Exception {
        byte[] bigString = PickleBuilder.proto2().op('X').raw(PickleBuilder.le4(-16)).raw(new byte[10]).stop();
        assertMessage(HostileFiles.torchZip(dir, "string.pt", bigString), CheckpointException.Kind.CORRUPT,
                "declares 4294967280 bytes");
        byte[] bigBytes = PickleBuilder.proto2().op(0x8e).raw(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x7f}).stop();
        assertMessage(HostileFiles.torchZip(dir, "bytes.pt", bigBytes), CheckpointException.Kind.CORRUPT,
                "declares 9151314442816847872 bytes");
        byte[] hugeStorage = HostileFiles.pickleOfFloatStorage("0", Long.MAX_VALUE / 2);
        try (Checkpoint c = CheckpointOpener.open(HostileFiles.torchZip(dir, "storage.pt", hugeStorage, "0",
                new byte[4]))) {
            assertTrue(c.warnings().get(0).contains("impossible size"), c.warnings().toString());
            assertFalse(c.tensors().get(0).isReadable());
        }
    }

    @Test
    void billionLaughsIsBounded() throws Exception {
        // 40 levels, each a list holding the previous one 10 times, and a tensor at the bottom: 10^40 paths.
        PickleBuilder b = laughs(PickleBuilder.proto2().floatTensor("0", 1, 0, new long[] {1}, new long[] {1}));
        Path p = HostileFiles.torchZip(dir, "laughs.pt", b.stop(), "0", new byte[4]);
        assertLimit(p, "more tensor paths than the limit");

        PickleBuilder plain = laughs(PickleBuilder.proto2().integer(5));
        try (Checkpoint c = CheckpointOpener.open(HostileFiles.torchZip(dir, "laughs_plain.pt", plain.stop()))) {
            assertEquals(List.of("metadata has more than 200000 values; the rest is shown as '…'"), c.warnings());
        }
    }

    /** Memoizes the value on the stack, then builds 40 levels of lists that each hold the level below 10 times. */
    private static PickleBuilder laughs(PickleBuilder bottom) {
        bottom.op('q').op(0);
        for (int level = 1; level <= 40; level++) {
            bottom.op(']').mark();
            for (int i = 0; i < 10; i++) {
                bottom.op('h').op(level - 1);
            }
            bottom.op('e').op('q').op(level);
        }
        return bottom;
    }

    @Test
    void resourceLimitsOnStackAndMemo() throws Exception {
        byte[] stack = PickleBuilder.proto2().repeat('N', 1_000_001).stop();
        assertLimit(HostileFiles.torchZip(dir, "stack.pt", stack), "on the unpickling stack");
        byte[] deepKey = PickleBuilder.proto2().emptyDict().integer(1).repeat(0x85, 100_000).integer(0).setitem()
                .stop();
        assertLimit(HostileFiles.torchZip(dir, "key.pt", deepKey), "tuples nested deeper than 100 levels");
        // _rebuild_from_type_v2(_rebuild_from_type_v2, Tensor, (_rebuild_from_type_v2, Tensor, (...), {}), {})
        PickleBuilder nested = PickleBuilder.proto2().global("torch._tensor", "_rebuild_from_type_v2");
        for (int i = 0; i < 50_000; i++) {
            nested.mark().global("torch._tensor", "_rebuild_from_type_v2").global("torch", "Tensor");
        }
        nested.emptyTuple();
        for (int i = 0; i < 50_000; i++) {
            nested.emptyDict().tuple();
        }
        byte[] rebuilds = nested.reduce().stop();
        assertLimit(HostileFiles.torchZip(dir, "rebuild.pt", rebuilds), "nested deeper than 5000");
        byte[] memoMissing = PickleBuilder.proto2().op('h').op(7).stop();
        assertMessage(HostileFiles.torchZip(dir, "memo.pt", memoMissing), CheckpointException.Kind.CORRUPT,
                "memo entry 7, which was never stored");
    }

    private static void assertLimit(Path p, String part) {
        assertMessage(p, CheckpointException.Kind.LIMIT_EXCEEDED, part);
    }

    private static void assertMessage(Path p, CheckpointException.Kind kind, String part) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(p).close());
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
