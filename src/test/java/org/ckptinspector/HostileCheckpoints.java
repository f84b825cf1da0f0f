package org.ckptinspector;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipOutputStream;

/** Hostile checkpoints built in the test, for the layers above the readers (the tree, the app). */
public final class HostileCheckpoints {
    private HostileCheckpoints() {}

    /**
     * {@code {'w': tensor, 'history': laughs}}, where laughs is 40 levels of lists that each hold the level below
     * 10 times, with an int at the bottom: 10^40 paths through 400 values.
     */
    public static Path billionLaughs(Path dir) throws IOException {
        PickleBuilder b = PickleBuilder.proto2().emptyDict().str("w")
                .floatTensor("0", 1, 0, new long[] {1}, new long[] {1}).setitem().str("history").integer(5);
        b.op('q').op(0).op('0');
        for (int level = 1; level <= 40; level++) {
            b.op(']').mark();
            for (int i = 0; i < 10; i++) {
                b.op('h').op(level - 1);
            }
            b.op('e').op('q').op(level);
            if (level < 40) {
                b.op('0');
            }
        }
        return torchZip(dir.resolve("billion_laughs.pt"), b.setitem().stop());
    }

    /** {@code {'w': tensor, 'deep': [[[...[5]...]]]}} with {@code depth} lists. */
    public static Path nested(Path dir, int depth) throws IOException {
        PickleBuilder b = PickleBuilder.proto2().emptyDict().str("w")
                .floatTensor("0", 1, 0, new long[] {1}, new long[] {1}).setitem().str("deep");
        for (int i = 0; i < depth; i++) {
            b.op(']');
        }
        b.integer(5);
        for (int i = 0; i < depth; i++) {
            b.op('a');
        }
        return torchZip(dir.resolve("nested_" + depth + ".pt"), b.setitem().stop());
    }

    private static Path torchZip(Path p, byte[] pkl) throws IOException {
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
            StoredZip.put(zip, "archive/data.pkl", pkl);
            StoredZip.put(zip, "archive/data/0", new byte[4]);
            StoredZip.put(zip, "archive/version", "3\n".getBytes());
        }
        return p;
    }
}
