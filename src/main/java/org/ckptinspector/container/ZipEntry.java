package org.ckptinspector.container;

/**
 * One central-directory record of a zip archive as miniz reads it: everything comes from the central record (the
 * local header only gives the data offset), sizes and offset already widened from the ZIP64 extra field.
 *
 * @param index the record's position in the central directory
 * @param rawName the name's bytes; {@link #name()} decodes them as UTF-8
 * @param declared whether the record is among those the end record counts (miniz sees only those)
 */
public record ZipEntry(int index, byte[] rawName, int flags, int method, long size, long compressedSize,
        long localHeaderOffset, int externalAttributes, boolean declared) {
    /** Central flag bits 0, 5 and 6 (encrypted, patch data, strong encryption): miniz refuses the record. */
    static final int ENCRYPTION_FLAGS = 1 | 1 << 5 | 1 << 6;

    /** The name as text (UTF-8; a malformed byte becomes U+FFFD). */
    public String name() {
        return new String(rawName, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A directory to miniz: the name ends in '/' or the DOS directory attribute is set. */
    public boolean isDirectory() {
        return rawName.length > 0 && rawName[rawName.length - 1] == '/' || (externalAttributes & 0x10) != 0;
    }

    /** Encrypted or patch data: torch cannot read it. */
    public boolean isEncrypted() {
        return (flags & ENCRYPTION_FLAGS) != 0;
    }
}
