package org.ckptinspector.gui.open;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The sample checkpoint shipped inside the jar (a Lightning-style checkpoint of a tiny GPT, built from
 * assets/sample/make_sample.py). Readers need a file, so it is copied to a temporary one on first use.
 */
public final class SampleCheckpoint {
    public static final String NAME = "tiny_gpt_lightning.ckpt";
    private static final String RESOURCE = "/org/ckptinspector/gui/sample/" + NAME;
    private static Path extracted;

    private SampleCheckpoint() {}

    /** The sample as a file, extracted once per run; deleted when the app exits. */
    public static synchronized Path file() throws IOException {
        if (extracted != null && Files.isRegularFile(extracted)) {
            return extracted;
        }
        try (InputStream in = SampleCheckpoint.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the sample checkpoint is missing from this build");
            }
            Path dir = Files.createTempDirectory("ckpt-inspector-sample");
            // Deleted at exit in the reverse order of registering: the file, then its (then empty) folder.
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(NAME);
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            extracted = file;
            return file;
        }
    }
}
