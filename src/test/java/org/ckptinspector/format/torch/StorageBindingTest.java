package org.ckptinspector.format.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.Deflater;
import org.ckptinspector.PickleBuilder;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.container.InflatedRecord;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How persistent ids bind to storage bytes: first reference wins, legacy views, the inflation budget. */
class StorageBindingTest {
    @TempDir
    Path dir;

    @Test
    void theFirstReferenceDecidesAStoragesDtype() throws Exception {
        byte[] pkl = PickleBuilder.proto2().emptyDict()
                .str("a").tensor("FloatStorage", "0", 2, null, 0, new long[] {2}, new long[] {1}).setitem()
                .str("b").tensor("IntStorage", "0", 2, null, 1, new long[] {1}, new long[] {1}).setitem().stop();
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array();
        try (Checkpoint c = CheckpointOpener.open(HostileFiles.torchZip(dir, "mixed.pt", pkl, "0", data))) {
            TensorRef b = c.tensor("b").orElseThrow();
            assertSame(c.tensor("a").orElseThrow().storage(), b.storage());
            assertEquals("float32", b.dtype().torchName());
            assertEquals(-2f, ByteBuffer.wrap(TensorBytes.toArray(b, 64)).order(ByteOrder.LITTLE_ENDIAN).getFloat());
        }
    }

    @Test
    void legacyViewMetadataIsASliceOfItsRootStorage() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e"));   // magic number
        file.writeBytes(HexFormat.of().parseHex("80024de9032e"));                     // protocol 1001
        file.writeBytes(PickleBuilder.proto2().emptyDict().stop());                     // sys_info
        file.writeBytes(PickleBuilder.proto2().emptyDict().str("v")
                .tensor("FloatStorage", "root", 6, new Object[] {"view", 2L, 3L}, 0, new long[] {3}, new long[] {1})
                .setitem().stop());
        file.writeBytes(PickleBuilder.proto2().op(']').str("root").op('a').stop());    // storage keys
        ByteBuffer data = ByteBuffer.allocate(8 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(6);
        for (int i = 0; i < 6; i++) {
            data.putFloat(i);
        }
        file.writeBytes(data.array());
        Path p = Files.write(dir.resolve("view_legacy.pt"), file.toByteArray());
        try (Checkpoint c = CheckpointOpener.open(p)) {
            assertEquals(Format.TORCH_LEGACY, c.format());
            assertTrue(c.warnings().isEmpty(), c.warnings().toString());
            TensorRef v = c.tensor("v").orElseThrow();
            assertEquals("view", v.storage().key());
            assertEquals(12, v.storage().byteSize());
            ByteBuffer values = ByteBuffer.wrap(TensorBytes.toArray(v, 64)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(2f, values.getFloat());
            assertEquals(3f, values.getFloat());
            assertEquals(4f, values.getFloat());
        }
    }

    @Test
    void inflationHasADeclaredSizeAndABudget() throws Exception {
        byte[] zeros = new byte[1000];
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(zeros);
        d.finish();
        byte[] buf = new byte[2000];
        int n = d.deflate(buf);
        d.end();
        ByteRegion compressed = ByteRegion.of(java.util.Arrays.copyOf(buf, n));
        Path f = dir.resolve("x.pt");
        try (InflatedRecord fine = new InflatedRecord(f.toString(), "r", compressed, 1000, new InflatedRecord.Budget())) {
            assertEquals(0, fine.slice(999, 1).get());
        }
        try (InflatedRecord liar = new InflatedRecord(f.toString(), "r", compressed, 10, new InflatedRecord.Budget())) {
            // miniz (torch) reads the first 10 bytes of a stream that holds more
            assertEquals(0, liar.slice(9, 1).get());
        }
        try (InflatedRecord bomb = new InflatedRecord(f.toString(), "r", compressed, 9L << 30, new InflatedRecord.Budget())) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> bomb.slice(0, 1));
            assertEquals(CheckpointException.Kind.LIMIT_EXCEEDED, e.kind());
            assertTrue(e.getMessage().contains("zip bomb"), e.getMessage());
        }
    }
}
