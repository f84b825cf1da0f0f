package org.ckptinspector.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.ckptinspector.model.DType;
import org.junit.jupiter.api.Test;

/** Every code of every narrow float dtype decodes to what real torch decodes it to. */
class MiniFloatsTest {
    private static final Path DIR = Path.of("src/test/resources/values");

    @Test
    void float8CodesMatchTorch() throws Exception {
        JsonNode codes = new ObjectMapper().readTree(DIR.resolve("minifloat_codes.json").toFile());
        for (DType d : new DType[] {DType.FLOAT8_E4M3FN, DType.FLOAT8_E5M2, DType.FLOAT8_E4M3FNUZ,
            DType.FLOAT8_E5M2FNUZ, DType.FLOAT8_E8M0FNU}) {
            assertAllCodes(d, codes.get(d.torchName()), 256);
        }
    }

    @Test
    void float16AndBfloat16CodesMatchLiveTorch() throws Exception {
        String python = System.getenv().getOrDefault("TORCH213_PYTHON", "/opt/torch213/bin/python");
        assumeTrue(Files.isExecutable(Path.of(python)), "torch 2.13 is not installed here");
        Process p = new ProcessBuilder(python, "make_minifloat_codes.py", "--all").directory(DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "torch script failed");
        JsonNode codes = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
        assertAllCodes(DType.FLOAT16, codes.get("float16"), 1 << 16);
        assertAllCodes(DType.BFLOAT16, codes.get("bfloat16"), 1 << 16);
        assertAllCodes(DType.FLOAT8_E4M3FN, codes.get("float8_e4m3fn"), 256);
    }

    @Test
    void float4CodesFollowTheOcpE2m1Table() {
        double[] expected = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0};
        for (int code = 0; code < 16; code++) {
            assertEquals(expected[code], MiniFloats.decode(DType.FLOAT4_E2M1FN_X2, code), "e2m1 code " + code);
        }
    }

    private static void assertAllCodes(DType dtype, JsonNode expected, int n) {
        assertEquals(n, expected.size(), dtype + " code count");
        for (int code = 0; code < n; code++) {
            double want = parse(expected.get(code).asText());
            double got = MiniFloats.decode(dtype, code);
            if (Double.isNaN(want)) {
                assertTrue(Double.isNaN(got), dtype + " code " + code + " should be NaN, got " + got);
            } else {
                assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                        dtype + " code " + code + ": torch " + want + ", ours " + got);
            }
        }
    }

    private static double parse(String s) {
        switch (s) {
            case "nan":
                return Double.NaN;
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(s);
        }
    }
}
