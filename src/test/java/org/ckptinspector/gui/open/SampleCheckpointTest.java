package org.ckptinspector.gui.open;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sample is extracted to a temporary folder that is gone once the process has exited. */
class SampleCheckpointTest {
    /** Extracts the sample, prints its path and exits. */
    public static void main(String[] args) throws Exception {
        System.out.println(SampleCheckpoint.file());
    }

    @Test
    void theExtractedSampleAndItsFolderAreRemovedAtExit() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SampleCheckpointTest.class.getName()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        Path file = Path.of(out);
        assertTrue(file.getParent().getFileName().toString().startsWith("ckpt-inspector-sample"), out);
        assertFalse(Files.exists(file), "the sample file is left behind: " + file);
        assertFalse(Files.exists(file.getParent()), "its folder is left behind: " + file.getParent());
    }
}
