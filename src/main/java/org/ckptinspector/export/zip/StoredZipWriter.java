package org.ckptinspector.export.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes an uncompressed (STORED) zip archive to a file channel with every entry's data aligned, the way torch's own
 * writer lays it out (docs/checkpoint-formats.md §2.3): the local header carries a {@code 'FB'} extra field of padding
 * so the data starts on a multiple of the alignment, ZIP64 fields appear where a size or offset needs them, and the
 * archive ends with a ZIP64 end record like every file torch writes. Sizes are known before an entry starts, so there
 * is no data descriptor, and an entry's place in the file is fixed when it is reserved: its data can be written by
 * several threads at once, and its CRC-32 is written back into the local header when the caller has it.
 */
public final class StoredZipWriter {
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int END = 0x06054b50;
    private static final long MAX32 = 0xFFFF_FFFFL;
    /** General purpose flag bit 11: names are UTF-8. */
    private static final int FLAG_UTF8 = 0x0800;
    /** 1980-01-01, the earliest DOS date; date 0 is invalid and makes some readers invent timestamp extras. */
    private static final int DOS_DATE = (1 << 5) | 1;
    private static final int VERSION_ZIP64 = 45;
    private static final int VERSION_STORED = 20;

    private final FileChannel channel;
    private final int alignment;
    private final long zip64Threshold;
    private final List<Reserved> entries = new ArrayList<>();
    private boolean finished;

    /** Writes an archive at the channel's current position; {@code alignment} must be a power of two ≤ 4096. */
    public StoredZipWriter(FileChannel channel, int alignment) {
        this(channel, alignment, MAX32);
    }

    /** For tests: any size or offset at or above {@code zip64Threshold} is written with ZIP64 fields. */
    StoredZipWriter(FileChannel channel, int alignment, long zip64Threshold) {
        if (Integer.bitCount(alignment) != 1 || alignment > 4096) {
            throw new IllegalArgumentException("alignment must be a power of two up to 4096: " + alignment);
        }
        this.channel = channel;
        this.alignment = alignment;
        this.zip64Threshold = Math.min(zip64Threshold, MAX32);
    }

    /** Adds a small entry held in memory. */
    public void add(String name, byte[] data) throws IOException {
        Reserved r = reserve(name, data.length);
        writeFully(ByteBuffer.wrap(data), r.dataOffset());
        CRC32 crc = new CRC32();
        crc.update(data);
        r.complete((int) crc.getValue());
    }

    /**
     * Reserves an entry of exactly {@code size} bytes: writes its local header and moves past its data. The
     * caller writes the data at {@link Reserved#dataOffset()}, from any threads and in any order, then
     * {@link Reserved#complete completes} the entry with the data's CRC-32; the next entry starts after it.
     */
    public Reserved reserve(String name, long size) throws IOException {
        if (finished) {
            throw new IllegalStateException("the archive is finished");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 0xFFFF) {
            throw new IllegalArgumentException("entry name too long: " + name);
        }
        long offset = channel.position();
        boolean zip64 = size >= zip64Threshold;
        int zip64Extra = zip64 ? 4 + 16 : 0;
        long dataStart = Math.addExact(offset, 30 + nameBytes.length + zip64Extra + 4);
        int pad = (int) ((alignment - dataStart % alignment) % alignment);
        ByteBuffer h = le(30 + nameBytes.length + zip64Extra + 4 + pad);
        h.putInt(LOCAL_HEADER)
                .putShort((short) (zip64 ? VERSION_ZIP64 : VERSION_STORED))
                .putShort((short) FLAG_UTF8)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) DOS_DATE)
                .putInt(0)
                .putInt((int) (zip64 ? MAX32 : size))
                .putInt((int) (zip64 ? MAX32 : size))
                .putShort((short) nameBytes.length)
                .putShort((short) (zip64Extra + 4 + pad))
                .put(nameBytes);
        if (zip64) {
            h.putShort((short) 0x0001).putShort((short) 16).putLong(size).putLong(size);
        }
        h.put((byte) 'F').put((byte) 'B').putShort((short) pad);
        for (int i = 0; i < pad; i++) {
            h.put((byte) 'Z');
        }
        writeFully(h.flip(), offset);
        Reserved r = new Reserved(nameBytes, offset, offset + h.capacity(), size);
        channel.position(Math.addExact(r.dataOffset, size));
        entries.add(r);
        return r;
    }

    /** An entry whose header is written and whose data and CRC-32 the caller supplies. */
    public final class Reserved {
        private final byte[] name;
        private final long headerOffset;
        private final long dataOffset;
        private final long size;
        private int crc;
        private boolean complete;

        private Reserved(byte[] name, long headerOffset, long dataOffset, long size) {
            this.name = name;
            this.headerOffset = headerOffset;
            this.dataOffset = dataOffset;
            this.size = size;
        }

        /** Where the entry's data start in the file. */
        public long dataOffset() {
            return dataOffset;
        }

        /** Records the CRC-32 of the data, in the local header now and in the central directory at the end. */
        public void complete(int dataCrc) throws IOException {
            writeFully(le(4).putInt(dataCrc).flip(), headerOffset + 14);
            crc = dataCrc;
            complete = true;
        }
    }

    /** Writes the central directory and end records after the last entry's data. Every entry must be complete. */
    public void finish() throws IOException {
        for (Reserved e : entries) {
            if (!e.complete) {
                throw new IllegalStateException("entry " + new String(e.name, StandardCharsets.UTF_8)
                        + " has no CRC yet");
            }
        }
        long cdStart = channel.position();
        for (Reserved e : entries) {
            boolean bigSize = e.size >= zip64Threshold;
            boolean bigOffset = e.headerOffset >= zip64Threshold;
            int extra = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
            ByteBuffer c = le(46 + e.name.length + extra);
            c.putInt(CENTRAL_HEADER)
                    .putShort((short) (extra > 0 ? VERSION_ZIP64 : VERSION_STORED))
                    .putShort((short) (extra > 0 ? VERSION_ZIP64 : VERSION_STORED))
                    .putShort((short) FLAG_UTF8)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) DOS_DATE)
                    .putInt(e.crc)
                    .putInt((int) (bigSize ? MAX32 : e.size))
                    .putInt((int) (bigSize ? MAX32 : e.size))
                    .putShort((short) e.name.length)
                    .putShort((short) extra)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt((int) (bigOffset ? MAX32 : e.headerOffset))
                    .put(e.name);
            if (extra > 0) {
                c.putShort((short) 0x0001).putShort((short) (extra - 4));
                if (bigSize) {
                    c.putLong(e.size).putLong(e.size);
                }
                if (bigOffset) {
                    c.putLong(e.headerOffset);
                }
            }
            append(c.flip());
        }
        long cdEnd = channel.position();
        long cdSize = cdEnd - cdStart;
        // Like torch's writer, always end with the ZIP64 records; the classic record follows for old readers.
        ByteBuffer end = le(56 + 20 + 22);
        end.putInt(ZIP64_END).putLong(44)
                .putShort((short) VERSION_ZIP64).putShort((short) VERSION_ZIP64)
                .putInt(0).putInt(0)
                .putLong(entries.size()).putLong(entries.size())
                .putLong(cdSize).putLong(cdStart);
        end.putInt(ZIP64_LOCATOR).putInt(0).putLong(cdEnd).putInt(1);
        boolean manyEntries = entries.size() >= 0xFFFF;
        end.putInt(END).putShort((short) 0).putShort((short) 0)
                .putShort((short) (manyEntries ? 0xFFFF : entries.size()))
                .putShort((short) (manyEntries ? 0xFFFF : entries.size()))
                .putInt((int) (cdSize >= zip64Threshold ? MAX32 : cdSize))
                .putInt((int) (cdStart >= zip64Threshold ? MAX32 : cdStart))
                .putShort((short) 0);
        append(end.flip());
        finished = true;
    }

    private void append(ByteBuffer b) throws IOException {
        long at = channel.position();
        writeFully(b, at);
        channel.position(at + b.limit());
    }

    /** Writes all of {@code b} at {@code position} without moving the channel's position. */
    private void writeFully(ByteBuffer b, long position) throws IOException {
        for (long at = position; b.hasRemaining(); ) {
            at += channel.write(b, at);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
