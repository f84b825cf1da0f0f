package org.ckptinspector.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw bits dtypes (bits8, bits16), which torch saves but cannot print, are described as unsigned integers. */
class RawBitsTest {
    @Test
    void bitsAreUnsignedIntegers(@TempDir Path dir) throws Exception {
        String python = System.getenv().getOrDefault("TORCH213_PYTHON", "/opt/torch213/bin/python");
        assumeTrue(Files.isExecutable(Path.of(python)), "torch 2.13 is not installed here");
        Path file = dir.resolve("bits.pt");
        Process p = new ProcessBuilder(python, "-c", "import sys, torch\n"
                + "b8 = torch.tensor([1, 2, 255, 0], dtype=torch.uint8).view(torch.bits8)\n"
                + "b16 = torch.tensor([1, 65535, 3], dtype=torch.int32).to(torch.uint16).view(torch.bits16)\n"
                + "torch.save({'b8': b8, 'b16': b16}, sys.argv[1])\n", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        try (Checkpoint c = CheckpointOpener.open(file)) {
            TensorStats b8 = TensorStatistics.compute(c.tensor("b8").orElseThrow(), StatsOptions.DEFAULT,
                    TaskMonitor.NONE);
            assertEquals(0.0, b8.min());
            assertEquals(255.0, b8.max());
            assertEquals(64.5, b8.mean());
            assertEquals(1, b8.zeros());
            assertArrayEquals(new double[] {0, 1, 2, 255}, b8.valueCounts().values());
            TensorStats b16 = TensorStatistics.compute(c.tensor("b16").orElseThrow(), StatsOptions.DEFAULT,
                    TaskMonitor.NONE);
            assertEquals(1.0, b16.min());
            assertEquals(65535.0, b16.max());
            assertEquals((1 + 65535 + 3) / 3.0, b16.mean(), 1e-9);
        }
    }
}
