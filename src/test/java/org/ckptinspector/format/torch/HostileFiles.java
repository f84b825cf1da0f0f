package org.ckptinspector.format.torch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.ckptinspector.PickleBuilder;

/** Builds broken and hostile checkpoint files for the reader's robustness tests. */
final class HostileFiles {
    private HostileFiles() {}

    /** Entries in the given order, as a torch zip lays them out (data.pkl first decides the root). */
    static Map<String, byte[]> entries(Object... nameThenBytes) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            Object v = nameThenBytes[i + 1];
            m.put((String) nameThenBytes[i], v instanceof String s ? s.getBytes() : (byte[]) v);
        }
        return m;
    }

    /** A torch-like zip: STORED (or DEFLATED) records under one folder; java.util.zip, no data descriptors. */
    static void writeZip(Path target, Map<String, byte[]> entries, boolean deflate) throws IOException {
        Map<String, byte[]> ordered = entries instanceof LinkedHashMap ? entries : sortedPickleFirst(entries);
        try (OutputStream os = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                if (deflate) {
                    z.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    private static Map<String, byte[]> sortedPickleFirst(Map<String, byte[]> entries) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        entries.entrySet().stream().filter(e -> e.getKey().endsWith("data.pkl")).forEach(e -> m.put(e.getKey(),
                e.getValue()));
        entries.entrySet().stream().filter(e -> !e.getKey().endsWith("data.pkl")).sorted(Map.Entry.comparingByKey())
                .forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /** {@code {'w': <float32 tensor of numel elements on storage key>}}. */
    static byte[] pickleOfFloatStorage(String key, long numel) {
        return PickleBuilder.proto2().emptyDict().str("w")
                .floatTensor(key, numel, 0, new long[] {numel}, new long[] {1}).setitem().stop();
    }

    /** A minimal torch zip around {@code dataPkl} with the given storage records. */
    static Path torchZip(Path dir, String name, byte[] dataPkl, Object... storageKeyThenBytes) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("archive/data.pkl", dataPkl);
        for (int i = 0; i < storageKeyThenBytes.length; i += 2) {
            m.put("archive/data/" + storageKeyThenBytes[i], (byte[]) storageKeyThenBytes[i + 1]);
        }
        m.put("archive/version", "3\n".getBytes());
        Path p = dir.resolve(name);
        writeZip(p, m, false);
        return p;
    }
}
