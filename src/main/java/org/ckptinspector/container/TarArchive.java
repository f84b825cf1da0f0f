package org.ckptinspector.container;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.pickle.PythonInts;

/**
 * A tar archive as Python's {@code tarfile} (3.11) reads it with {@code mode="r:"} (docs/container-rules.md §3):
 * headers valid by the unsigned or signed checksum, {@code nti} numbers (octal text with Python's
 * {@code int(s, 8)} leniency, or base-256), GNU long names and links, PAX extended and global headers with their
 * {@code path}, {@code linkpath}, {@code size} and {@code GNU.sparse.name} overrides, unknown type flags read as
 * regular files, link and directory members whose data blocks are not skipped. Reading stops silently at an
 * end-of-archive block or an invalid later header; what tarfile raises as a {@code TarError} is {@link #error()}.
 * Names are kept as Latin-1 strings of their bytes, which compare exactly as Python's surrogate-escaped names do.
 */
public final class TarArchive {
    static final int BLOCK = 512;
    /** Most members read. */
    public static final int MAX_MEMBERS = 10_000;
    private static final String REGULAR_TYPES = "0\u00007S";
    private static final String SUPPORTED_TYPES = "0\u000012563 7LKS".replace(" ", "4");

    /**
     * One member after tarfile's processing.
     *
     * @param name its name (Latin-1 of the bytes)
     * @param type the type flag byte
     * @param offset where its (first) header starts
     * @param dataOffset where its data starts
     * @param sparse whether tarfile reads its data through a sparse map (not modelled here)
     */
    public record Member(String name, String linkName, char type, long offset, long dataOffset, long size,
            boolean sparse) {
        /** What {@code extractfile} returns a file object for: regular types and unknown ones. */
        public boolean isRegularLike() {
            return REGULAR_TYPES.indexOf(type) >= 0 || SUPPORTED_TYPES.indexOf(type) < 0;
        }

        public boolean isSymlink() {
            return type == '2';
        }

        public boolean isHardLink() {
            return type == '1';
        }

        /** The name as Python would show it (UTF-8). */
        public String displayName() {
            return new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
    }

    /** A {@code tarfile.TarError} (ReadError and kin): torch falls back to the legacy pickle stream on it. */
    public static final class TarError extends Exception {
        private static final long serialVersionUID = 1L;

        TarError(String message) {
            super(message, null, false, false);
        }
    }

    private final ByteRegion tar;
    private final List<Member> members;
    private final String error;

    private TarArchive(ByteRegion tar, List<Member> members, String error) {
        this.tar = tar;
        this.members = members;
        this.error = error;
    }

    /**
     * Whether {@code tarfile.open} succeeds: the first block is a valid header (or all zero, an empty archive).
     */
    public static boolean opens(ByteRegion file) throws IOException {
        Reader r = new Reader(file);
        try {
            r.next(true);
            return true;
        } catch (TarError e) {
            return false;
        }
    }

    /**
     * Reads every member as {@code TarFile.getmembers()} does; a TarError on the way is kept as {@link #error()}.
     *
     * @throws org.ckptinspector.model.CheckpointException beyond {@link #MAX_MEMBERS} members
     */
    public static TarArchive read(ByteRegion file, String source) throws IOException {
        Reader r = new Reader(file);
        List<Member> members = new ArrayList<>();
        try {
            Member m = r.next(true);
            while (m != null) {
                members.add(m);
                if (members.size() > MAX_MEMBERS) {
                    throw new org.ckptinspector.model.CheckpointException(
                            org.ckptinspector.model.CheckpointException.Kind.LIMIT_EXCEEDED, source + ": the tar archive has "
                            + "more than " + MAX_MEMBERS + " members, beyond this reader's limit");
                }
                m = r.next(false);
            }
        } catch (TarError e) {
            return new TarArchive(file, members, e.getMessage());
        }
        return new TarArchive(file, List.copyOf(members), null);
    }

    /** The members read, in archive order. */
    public List<Member> members() {
        return members;
    }

    /** The TarError reading the archive raised, or null. */
    public String error() {
        return error;
    }

    /** {@code TarFile.getmember(name)}: the last member of that name (trailing slashes of {@code name} cut). */
    public Member getmember(String name) {
        return find(stripSlashes(name), members.size(), false);
    }

    /** {@code _getmember}: searches the first {@code limit} members backwards, names optionally normalised. */
    private Member find(String name, int limit, boolean normalize) {
        String want = normalize ? normpath(name) : name;
        for (int i = limit - 1; i >= 0; i--) {
            Member m = members.get(i);
            if (want.equals(normalize ? normpath(m.name()) : m.name())) {
                return m;
            }
        }
        return null;
    }

    /**
     * {@code _find_link_target}: a symlink's target is searched among all members relative to its folder, a hard
     * link's among the members before it.
     *
     * @return the member, or null (tarfile raises KeyError)
     */
    public Member linkTarget(Member link) {
        if (link.isSymlink()) {
            int slash = link.name().lastIndexOf('/');
            String dir = slash < 0 ? "" : link.name().substring(0, slash);
            String target = dir.isEmpty() ? link.linkName() : link.linkName().isEmpty() ? dir
                    : dir + "/" + link.linkName();
            return find(target, members.size(), true);
        }
        return find(link.linkName(), members.indexOf(link), true);
    }

    /**
     * The data {@code extractfile(member)} reads: links followed as tarfile follows them.
     *
     * @return the bytes, or null when tarfile returns no file object (directories, devices) or a link does not
     *     resolve
     * @throws TarError when the data reaches past the end of the file ("unexpected end of data")
     */
    public ByteRegion extractfile(Member member) throws TarError {
        Member m = member;
        for (int hops = 0; hops <= members.size(); hops++) {
            if (m.isRegularLike()) {
                return data(m);
            }
            if (!m.isSymlink() && !m.isHardLink()) {
                return null;
            }
            m = linkTarget(m);
            if (m == null) {
                return null;
            }
        }
        return null;
    }

    /** The data bytes of a regular-like member. */
    public ByteRegion data(Member m) throws TarError {
        if (m.sparse()) {
            throw new TarError("member " + m.displayName() + " is a sparse file, whose data this reader does not "
                    + "reassemble");
        }
        if (m.size() < 0 || m.dataOffset() > tar.length() || m.size() > tar.length() - m.dataOffset()) {
            throw new TarError("unexpected end of data");
        }
        return tar.region(m.dataOffset(), m.size());
    }

    static String stripSlashes(String name) {
        int end = name.length();
        while (end > 0 && name.charAt(end - 1) == '/') {
            end--;
        }
        return name.substring(0, end);
    }

    /** {@code os.path.normpath} (POSIX). */
    static String normpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        int initial = path.startsWith("/") ? path.startsWith("//") && !path.startsWith("///") ? 2 : 1 : 0;
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (!c.equals("..") || initial == 0 && out.isEmpty() || !out.isEmpty() && out.get(out.size() - 1)
                    .equals("..")) {
                out.add(c);
            } else if (!out.isEmpty()) {
                out.remove(out.size() - 1);
            }
        }
        String s = "/".repeat(initial) + String.join("/", out);
        return s.isEmpty() ? "." : s;
    }

    /** tarfile's {@code TarFile.next()} state: the file position and the global PAX headers. */
    private static final class Reader {
        private final ByteRegion tar;
        private long pos;
        private long offset;
        private final Map<String, String> globalPax = new LinkedHashMap<>();

        Reader(ByteRegion tar) {
            this.tar = tar;
        }

        Member next(boolean first) throws IOException, TarError {
            if (!first && offset != pos) {
                if (offset == 0) {
                    return null;
                }
                if (offset - 1 >= tar.length()) {
                    throw new TarError("unexpected end of data");
                }
                pos = offset;
            }
            long at = pos;
            try {
                return fromTarfile();
            } catch (EndOfArchive e) {
                return null;
            } catch (InvalidHeader e) {
                if (at == 0 || e.subsequent) {
                    throw new TarError(e.getMessage());
                }
                return null;
            }
        }

        private Member fromTarfile() throws IOException, InvalidHeader, EndOfArchive, TarError {
            long headerAt = pos;
            long n = Math.min(BLOCK, Math.max(0, tar.length() - pos));
            if (n == 0) {
                throw new InvalidHeader("empty file", false, true);
            }
            if (n < BLOCK) {
                throw new InvalidHeader("truncated header", false, true);
            }
            ByteBuffer h = tar.slice(pos, BLOCK);
            pos += BLOCK;
            Header hd = Header.parse(h);
            if (hd == null) {
                throw new EndOfArchive();
            }
            return switch (hd.type) {
                case 'L', 'K' -> gnuLong(hd, headerAt);
                case 'x', 'X', 'g' -> pax(hd, headerAt);
                default -> builtin(hd, headerAt);
            };
        }

        private byte[] readBlocks(long size) throws IOException {
            long want = block(size);
            long n = Math.max(0, Math.min(want, tar.length() - pos));
            byte[] buf = new byte[(int) Math.min(n, 1 << 24)];
            tar.slice(pos, buf.length).get(buf);
            pos += Math.max(0, want);
            pos = Math.min(pos, tar.length());
            return buf;
        }

        private Member subsequent() throws IOException, TarError, InvalidHeader {
            try {
                return fromTarfile();
            } catch (InvalidHeader | EndOfArchive e) {
                throw new InvalidHeader(e.getMessage() == null ? "end of file header" : e.getMessage(), true, false);
            }
        }

        private Member gnuLong(Header hd, long headerAt) throws IOException, TarError, InvalidHeader {
            if (hd.size > 1 << 24) {
                throw new TarError("a GNU long name of " + hd.size + " bytes, beyond this reader's limit");
            }
            String text = nts(readBlocks(hd.size), 0, Integer.MAX_VALUE);
            Member next = subsequent();
            String name = hd.type == 'L' ? text : next.name();
            String link = hd.type == 'K' ? text : next.linkName();
            if (next.type() == '5') {
                name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            }
            return new Member(name, link, next.type(), headerAt, next.dataOffset(), next.size(), next.sparse());
        }

        private Member pax(Header hd, long headerAt) throws IOException, TarError, InvalidHeader {
            if (hd.size > 1 << 24) {
                throw new TarError("a PAX header of " + hd.size + " bytes, beyond this reader's limit");
            }
            byte[] buf = readBlocks(hd.size);
            Map<String, String> headers = hd.type == 'g' ? globalPax : new LinkedHashMap<>(globalPax);
            int p = 0;
            while (true) {
                int q = p;
                while (q < buf.length && buf[q] >= '0' && buf[q] <= '9') {
                    q++;
                }
                if (q == p || q >= buf.length || buf[q] != ' ') {
                    break;
                }
                int k = q + 1;
                int eq = k;
                while (eq < buf.length && buf[eq] != '=') {
                    eq++;
                }
                if (eq == k || eq >= buf.length) {
                    break;
                }
                BigInteger length = new BigInteger(new String(buf, p, q - p, StandardCharsets.ISO_8859_1));
                if (length.signum() == 0) {
                    throw new InvalidHeader("invalid header", false, false);
                }
                long len = length.bitLength() > 31 ? Integer.MAX_VALUE : length.longValue();
                int valueEnd = (int) Math.min(buf.length, p + len - 1);
                String keyword = new String(buf, k, eq - k, StandardCharsets.ISO_8859_1);
                String value = valueEnd > eq + 1 ? new String(buf, eq + 1, valueEnd - eq - 1,
                        StandardCharsets.ISO_8859_1) : "";
                headers.put(keyword, value);
                p = (int) Math.min(Integer.MAX_VALUE, p + len);
                if (p > buf.length) {
                    break;
                }
            }
            Member next = subsequent();
            boolean sparse = next.sparse() || headers.containsKey("GNU.sparse.map")
                    || headers.containsKey("GNU.sparse.size")
                    || "1".equals(headers.get("GNU.sparse.major")) && "0".equals(headers.get("GNU.sparse.minor"));
            if (hd.type == 'g') {
                return new Member(next.name(), next.linkName(), next.type(), next.offset(), next.dataOffset(),
                        next.size(), sparse);
            }
            Member patched = applyPax(next, headers, sparse);
            patched = new Member(patched.name(), patched.linkName(), patched.type(), headerAt, patched.dataOffset(),
                    patched.size(), sparse);
            if (headers.containsKey("size")) {
                long o = patched.dataOffset();
                if (patched.isRegularLike()) {
                    o += block(patched.size());
                }
                offset = o;
            }
            return patched;
        }

        private Member builtin(Header hd, long headerAt) {
            long dataAt = pos;
            long o = dataAt;
            Member m = new Member(hd.name, hd.linkName, hd.type, headerAt, dataAt, hd.size, hd.type == 'S');
            if (m.isRegularLike()) {
                o += block(hd.size);
            }
            if (hd.type == 'S') {
                o = dataAt + block(hd.size);
                m = new Member(hd.name, hd.linkName, hd.type, headerAt, dataAt, hd.origSize, true);
            }
            offset = o;
            m = applyPax(m, globalPax, m.sparse());
            if (m.type() == '5') {
                m = new Member(stripSlashes(m.name()), m.linkName(), m.type(), m.offset(), m.dataOffset(),
                        m.size(), m.sparse());
            }
            return m;
        }

        /** {@code TarInfo._apply_pax_info}. */
        private static Member applyPax(Member m, Map<String, String> headers, boolean sparse) {
            String name = m.name();
            String link = m.linkName();
            long size = m.size();
            for (Map.Entry<String, String> e : headers.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "GNU.sparse.name" -> name = v;
                    case "GNU.sparse.size", "GNU.sparse.realsize", "size" -> size = paxInt(v, e.getKey());
                    case "path" -> name = stripSlashes(v);
                    case "linkpath" -> link = v;
                    default -> { }
                }
            }
            return new Member(name, link, m.type(), m.offset(), m.dataOffset(), size, sparse);
        }

        /** {@code int(value)}; for PAX {@code size} a ValueError means 0 (the GNU keys raise, read as -1). */
        private static long paxInt(String v, String key) {
            BigInteger b = PythonInts.fromString(v.strip().getBytes(StandardCharsets.ISO_8859_1), 10);
            if (b == null) {
                return key.equals("size") ? 0 : -1;
            }
            return b.bitLength() > 62 ? Long.MAX_VALUE : b.longValue();
        }
    }

    static long block(long size) {
        if (size <= 0) {
            return 0;
        }
        return size > Long.MAX_VALUE - BLOCK ? Long.MAX_VALUE : (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static String nts(byte[] b, int at, int len) {
        int end = at;
        int stop = (int) Math.min(b.length, (long) at + len);
        while (end < stop && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.ISO_8859_1);
    }

    /** The end-of-archive block. */
    private static final class EndOfArchive extends Exception {
        private static final long serialVersionUID = 1L;

        EndOfArchive() {
            super(null, null, false, false);
        }
    }

    /** An invalid header; {@code subsequent} after a GNU long name or PAX header (always a ReadError). */
    private static final class InvalidHeader extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean subsequent;

        InvalidHeader(String message, boolean subsequent, boolean empty) {
            super(message, null, false, false);
            this.subsequent = subsequent;
        }
    }

    /** The fields of one 512-byte header, as {@code TarInfo.frombuf} decodes them. */
    private static final class Header {
        String name;
        String linkName;
        char type;
        long size;
        long origSize;

        /** @return null for an all-zero block */
        static Header parse(ByteBuffer h) throws InvalidHeader {
            byte[] b = new byte[BLOCK];
            h.get(0, b);
            boolean zero = true;
            for (byte x : b) {
                zero &= x == 0;
            }
            if (zero) {
                return null;
            }
            BigInteger sum = nti(b, 148, 8);
            long unsigned = 256;
            long signed = 256;
            for (int i = 0; i < BLOCK; i++) {
                if (i < 148 || i >= 156) {
                    unsigned += b[i] & 0xff;
                    signed += b[i];
                }
            }
            if (!sum.equals(BigInteger.valueOf(unsigned)) && !sum.equals(BigInteger.valueOf(signed))) {
                throw new InvalidHeader("bad checksum", false, false);
            }
            Header hd = new Header();
            hd.name = nts(b, 0, 100);
            for (int[] f : new int[][] {{100, 8}, {108, 8}, {116, 8}, {136, 12}, {329, 8}, {337, 8}}) {
                nti(b, f[0], f[1]);
            }
            hd.size = clamp(nti(b, 124, 12));
            hd.type = (char) (b[156] & 0xff);
            hd.linkName = nts(b, 157, 100);
            String prefix = nts(b, 345, 155);
            if (hd.type == 0 && hd.name.endsWith("/")) {
                hd.type = '5';
            }
            if (hd.type == 'S') {
                for (int i = 0; i < 4; i++) {
                    nti(b, 386 + 24 * i, 12);
                    nti(b, 398 + 24 * i, 12);
                }
                if (b[482] != 0) {
                    throw new InvalidHeader("an old GNU sparse member with extension blocks (not modelled)", true,
                            false);
                }
                hd.origSize = clamp(nti(b, 483, 12));
            }
            if (hd.type == '5') {
                hd.name = stripSlashes(hd.name);
            }
            if (!prefix.isEmpty() && "LKS".indexOf(hd.type) < 0) {
                hd.name = prefix + "/" + hd.name;
            }
            return hd;
        }

        private static long clamp(BigInteger v) {
            return v.bitLength() > 62 ? v.signum() < 0 ? -1 : Long.MAX_VALUE : v.longValue();
        }

        /** tarfile's {@code nti}: base-256 after 0x80/0xff, else {@code int(nts(s).strip() or "0", 8)}. */
        static BigInteger nti(byte[] b, int at, int len) throws InvalidHeader {
            int first = b[at] & 0xff;
            if (first == 0x80 || first == 0xff) {
                BigInteger n = BigInteger.ZERO;
                for (int i = 1; i < len; i++) {
                    n = n.shiftLeft(8).or(BigInteger.valueOf(b[at + i] & 0xff));
                }
                return first == 0xff ? n.subtract(BigInteger.ONE.shiftLeft(8 * (len - 1))) : n;
            }
            int end = at;
            while (end < at + len && b[end] != 0) {
                if (b[end] < 0) {
                    throw new InvalidHeader("invalid header", false, false);
                }
                end++;
            }
            int s = at;
            while (s < end && isPySpace(b[s])) {
                s++;
            }
            int e = end;
            while (e > s && isPySpace(b[e - 1])) {
                e--;
            }
            if (s == e) {
                return BigInteger.ZERO;
            }
            byte[] text = java.util.Arrays.copyOfRange(b, s, e);
            BigInteger v = PythonInts.fromString(text, 8);
            if (v == null) {
                throw new InvalidHeader("invalid header", false, false);
            }
            return v;
        }

        /** {@code str.isspace()} for ASCII: includes the four separators 0x1c to 0x1f. */
        private static boolean isPySpace(byte c) {
            return c == ' ' || c >= 0x09 && c <= 0x0d || c >= 0x1c && c <= 0x1f;
        }
    }
}
