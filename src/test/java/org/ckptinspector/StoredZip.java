package org.ckptinspector;

import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes STORED zip entries, as torch writes its records, for tests that build archives by hand. */
public final class StoredZip {
    private StoredZip() {}

    /** Adds {@code data} as a STORED entry (size and CRC set up front, so no data descriptor follows). */
    public static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
