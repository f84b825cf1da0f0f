package org.ckptinspector.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * A safetensors source built to probe float conversion: float32 values at and beside every float16 and bfloat16
 * rounding boundary (ties included), overflow to Inf, float32 and float16 subnormals, signed zeros, NaNs with
 * assorted signs and payloads, and random bit patterns; plus every float16 and every bfloat16 bit pattern.
 * The expected bits are whatever real torch's {@code tensor.to(dtype)} gives (check_export.py's convert job).
 */
final class ConversionFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConversionFixture() {}

    static void addJobs(Path work, List<ObjectNode> jobs) throws Exception {
        Path source = work.resolve("float_patterns.safetensors");
        write(source, float32Patterns(), allShorts(), allShorts());
        try (Checkpoint c = CheckpointOpener.open(source)) {
            for (DType target : List.of(DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32)) {
                ExportRequest req = ExportRequest.of(Selection.all(), ExportFormat.PTH).withDtype(target);
                Path out = ExportRoundTripTest.export(c, req, "float_patterns." + target + ".pth");
                jobs.add(convertJob("float bit patterns --dtype " + target + " match torch's .to()", out, source,
                        "safetensors", target, c));
            }
        }
    }

    static ObjectNode convertJob(String id, Path out, Path source, String sourceFormat, DType target, Checkpoint c) {
        ObjectNode job = ExportRoundTripTest.job(id, "convert", out);
        job.put("source", source.toString());
        job.put("source_format", sourceFormat);
        job.put("dtype", target.torchName());
        ObjectNode keys = job.putObject("keys");
        ObjectNode unchanged = job.putObject("unchanged");
        for (TensorRef t : c.tensors()) {
            boolean converted = DTypeConversion.convertible().contains(t.dtype());
            (converted ? keys : unchanged).put(t.key(), t.key());
        }
        return job;
    }

    static int[] float32Patterns() {
        List<Integer> v = new ArrayList<>();
        int[] specials = {0x0000_0000, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000,
            0x7F80_0001, 0xFF80_0001, 0x7FA0_0000, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x7F81_2345, 0xFFA5_A5A5,
            0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x0080_0000, 0x7F7F_FFFF, 0xFF7F_FFFF,
            0x477F_E000, 0x477F_EFFF, 0x477F_F000, 0x477F_F001, 0x4780_0000, 0x3380_0000, 0x3300_0000,
            0x3300_0001, 0x32FF_FFFF, 0x3400_0000, 0x33C0_0000, 0x387F_C000, 0x3880_0000, 0x7F7F_8000,
            0x7F7F_7FFF, 0x7F7F_C000};
        for (int s : specials) {
            v.add(s);
        }
        // Beside every float16 boundary: the midpoint between neighbours (a tie) and one float32 ulp either side.
        for (int h = 0; h < 0x7C00; h++) {
            int lo = org.ckptinspector.values.FloatBits.f16ToF32((short) h);
            int hi = org.ckptinspector.values.FloatBits.f16ToF32((short) (h + 1));
            int mid = Float.floatToRawIntBits((Float.intBitsToFloat(lo) + Float.intBitsToFloat(hi)) / 2);
            for (int d = -1; d <= 1; d++) {
                v.add(mid + d);
                v.add((mid + d) | 0x8000_0000);
            }
        }
        // Beside every bfloat16 boundary: low half exactly 0x8000 is a tie.
        for (int b = 0; b < 0x7F80; b += 3) {
            int mid = (b << 16) | 0x8000;
            for (int d = -1; d <= 1; d++) {
                v.add(mid + d);
                v.add((mid + d) | 0x8000_0000);
            }
        }
        SplittableRandom random = new SplittableRandom(20240611);
        for (int i = 0; i < 100_000; i++) {
            v.add(random.nextInt());
        }
        return v.stream().mapToInt(Integer::intValue).toArray();
    }

    private static short[] allShorts() {
        short[] s = new short[65536];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) i;
        }
        return s;
    }

    /** A three-tensor safetensors file: f32, f16 (every pattern), bf16 (every pattern). */
    private static void write(Path file, int[] f32, short[] f16, short[] bf16) throws IOException {
        long f32Bytes = 4L * f32.length;
        long f16Bytes = 2L * f16.length;
        String header = JSON.writeValueAsString(JSON.createObjectNode()
                .<ObjectNode>set("f32", tensor("F32", f32.length, 0, f32Bytes))
                .<ObjectNode>set("f16", tensor("F16", f16.length, f32Bytes, f32Bytes + f16Bytes))
                .set("bf16", tensor("BF16", bf16.length, f32Bytes + f16Bytes, f32Bytes + 2 * f16Bytes)));
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + h.length + f32Bytes + 2 * f16Bytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        for (int x : f32) {
            buf.putInt(x);
        }
        for (short x : f16) {
            buf.putShort(x);
        }
        for (short x : bf16) {
            buf.putShort(x);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(buf.flip());
        }
    }

    private static ObjectNode tensor(String dtype, int n, long begin, long end) {
        ObjectNode t = JSON.createObjectNode();
        t.put("dtype", dtype);
        t.putArray("shape").add(n);
        t.putArray("data_offsets").add(begin).add(end);
        return t;
    }
}
