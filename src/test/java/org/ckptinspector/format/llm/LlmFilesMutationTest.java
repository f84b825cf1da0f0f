package org.ckptinspector.format.llm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorHash;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged GGUF, numpy and .pt2 files (flipped bytes, truncations) either open or fail with a checked
 * {@link IOException}; reading every value of what opened fails the same way, never with another exception.
 */
class LlmFilesMutationTest {
    private static final String[] FILES = {"gguf/model_v3.gguf", "numpy/float32.npy", "numpy/compressed.npz",
        "numpy/with_object.npz", "numpy/object.npy", "pt2/small.pt2"};

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> mutatedFilesFailCleanly() {
        return Stream.of(FILES).map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] good = Files.readAllBytes(LlmFilesManifestTest.DIR.resolve(name));
            Random rnd = new Random(name.hashCode());
            for (int i = 0; i < 300; i++) {
                byte[] b;
                if (i % 10 == 0) {
                    b = java.util.Arrays.copyOf(good, rnd.nextInt(good.length));
                } else {
                    b = good.clone();
                    int flips = 1 + rnd.nextInt(4);
                    for (int k = 0; k < flips; k++) {
                        // most of a GGUF header lies in its first kilobyte; aim there more often
                        int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(1024, b.length)) : rnd.nextInt(b.length);
                        b[at] = (byte) rnd.nextInt(256);
                    }
                }
                Path f = Files.write(tmp.resolve("m" + i + "-" + Path.of(name).getFileName()), b);
                try (Checkpoint c = CheckpointOpener.open(f)) {
                    for (TensorRef t : c.tensors()) {
                        if (t.hasValues()) {
                            try {
                                TensorHash.sha256(t);
                                ValueReader.head(t, 64);
                            } catch (IOException expected) {
                                // a damaged tensor may be refused
                            }
                        }
                    }
                } catch (IOException refused) {
                    if (refused.getMessage() == null || refused.getMessage().contains("unexpected structure")) {
                        fail(name + " mutation " + i + " is refused without a reason: " + refused.getMessage());
                    }
                } catch (Throwable e) {
                    fail(name + " mutation " + i + ": " + e, e);
                }
                Files.delete(f);
            }
        }));
    }
}
