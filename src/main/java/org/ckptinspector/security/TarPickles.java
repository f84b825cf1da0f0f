package org.ckptinspector.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.TarHeaders;
import org.ckptinspector.model.DType;
import org.ckptinspector.task.TaskMonitor;

/**
 * Scans the pickles of torch's oldest format, a tar archive (§7.2), as {@code torch.load} reads them: the
 * {@code pickle} member, and the count, storage header and storage-view pickles of {@code storages} and the count
 * and tensor header pickles of {@code tensors}, which torch unpickles with an unrestricted unpickler, stepping over
 * the raw storage data and tensor geometry in between. Every member with one of those names is scanned (Python
 * takes the last of equal names), under any name Python may give it ({@link TarHeaders}).
 */
final class TarPickles {
    private static final int BLOCK = 512;
    private static final java.util.Set<String> TORCH_MEMBERS = java.util.Set.of("pickle", "storages", "tensors");

    private final ScanCollector out;
    private final TaskMonitor monitor;
    private final PickleScanner.ContainerPayloads containers;

    TarPickles(ScanCollector out, TaskMonitor monitor, PickleScanner.ContainerPayloads containers) {
        this.out = out;
        this.monitor = monitor;
        this.containers = containers;
    }

    /** True when the first block is a tar header: the ustar magic, or a valid header checksum (old V7 tars). */
    static boolean isTar(ByteRegion file) throws IOException {
        if (file.length() < BLOCK) {
            return false;
        }
        ByteBuffer h = file.slice(0, BLOCK);
        if (h.get(257) == 'u' && h.get(258) == 's' && h.get(259) == 't' && h.get(260) == 'a' && h.get(261) == 'r') {
            return true;
        }
        return TarHeaders.checksumMatches(h) && h.get(0) != 0;
    }

    /** Scans the archive in {@code file}; findings name records {@code prefix + member name}. */
    void scan(ByteRegion file, String prefix, String source) throws IOException {
        boolean any = false;
        TarHeaders headers = new TarHeaders(file);
        TarHeaders.Member m;
        while ((m = headers.next()) != null) {
            monitor.checkCancelled();
            if (!m.regular()) {
                continue;
            }
            String name = m.names().stream().map(TarPickles::stripSlashes).filter(TORCH_MEMBERS::contains)
                    .findFirst().orElse(null);
            if (name == null) {
                continue;
            }
            any = true;
            String where = source + ", tar member " + name;
            String record = prefix + name;
            switch (name) {
                case "pickle" -> new PickleScanner(out, monitor, containers, 0).scanRecord(m.data(), record, where);
                case "storages" -> storages(m.data(), record, where);
                default -> tensors(m.data(), record, where);
            }
        }
        if (headers.problem() != null) {
            out.error(source + ": " + headers.problem());
        }
        if (!any) {
            out.error(source + ": a tar archive without the pickle, storages or tensors members of torch's tar "
                    + "format");
        }
    }

    private static String stripSlashes(String name) {
        int end = name.length();
        while (end > 0 && name.charAt(end - 1) == '/') {
            end--;
        }
        return name.substring(0, end);
    }

    /** pickle(count), then per storage pickle((key, location, type)) + int64 count + data, then pickle(views). */
    private void storages(ByteRegion member, String record, String where) throws IOException {
        PickleScanner scanner = new PickleScanner(out, monitor, containers, 0);
        long pos = scanner.scanOne(member, 0, record, where, true, null);
        while (pos >= 0 && pos < member.length()) {
            List<String> named = new ArrayList<>();
            long end = scanner.scanOne(member, pos, record, where, true, named);
            if (end < 0) {
                return;
            }
            Optional<DType> dtype = named.stream().map(DType::fromLegacyStorageClass).flatMap(Optional::stream)
                    .findFirst();
            if (dtype.isEmpty()) {
                scanRest(scanner, member, end, record, where);
                return;
            }
            pos = skipCounted(member, end, dtype.get().itemSize(), where);
        }
    }

    /** pickle(count), then per tensor pickle((key, storage id, type)) + int32 ndim + pad + sizes, strides, offset. */
    private void tensors(ByteRegion member, String record, String where) throws IOException {
        PickleScanner scanner = new PickleScanner(out, monitor, containers, 0);
        long pos = scanner.scanOne(member, 0, record, where, true, null);
        while (pos >= 0 && pos < member.length()) {
            long end = scanner.scanOne(member, pos, record, where, true, null);
            if (end < 0) {
                return;
            }
            if (end > member.length() - 8) {
                out.error(where + ": the tensor header ends at offset " + end + " without its dimensions");
                return;
            }
            int ndim = member.slice(end, 4).getInt(0);
            long geometry = 8 + 16L * ndim + 8;
            if (ndim < 0 || geometry > member.length() - end) {
                out.error(where + ": the tensor header at offset " + end + " declares " + ndim + " dimensions, "
                        + "more than the member holds");
                return;
            }
            pos = end + geometry;
        }
    }

    /** Steps over a storage's int64 element count and its data; -1 when they do not fit in the member. */
    private long skipCounted(ByteRegion member, long at, int itemSize, String where) throws IOException {
        if (at > member.length() - 8) {
            out.error(where + ": the storage at offset " + at + " has no element count");
            return -1;
        }
        long count = member.slice(at, 8).getLong(0);
        long bytes = count < 0 || count > Long.MAX_VALUE / itemSize ? -1 : count * itemSize;
        if (bytes < 0 || bytes > member.length() - at - 8) {
            out.error(where + ": the storage at offset " + at + " declares " + count + " elements, more than "
                    + "the member holds");
            return -1;
        }
        return at + 8 + bytes;
    }

    /** Whatever follows the storage views is never unpickled by torch; it is scanned for what it names only. */
    private void scanRest(PickleScanner scanner, ByteRegion member, long from, String record, String where) {
        long pos = from;
        while (pos >= 0 && pos < member.length()) {
            long end = scanner.scanOne(member, pos, record, where, false, null);
            if (end < 0) {
                out.warning(where + ": the " + (member.length() - pos) + " bytes from offset " + pos
                        + " are not a pickle");
            }
            pos = end;
        }
    }
}
