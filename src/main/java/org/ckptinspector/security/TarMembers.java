package org.ckptinspector.security;

import java.io.IOException;
import java.util.Optional;
import org.ckptinspector.container.TorchTar;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;
import org.ckptinspector.task.TaskMonitor;

/**
 * Scans the pickles of torch's oldest format, a tar archive (docs/checkpoint-formats.md §7.2), in the members
 * {@link TorchTar} says torch reads: the count, storage header and storage-view pickles of {@code storages}, the count
 * and tensor header pickles of {@code tensors}, and {@code pickle}, stepping over raw storage data with the element
 * size torch computes from each header's storage class.
 */
final class TarMembers {
    private final ScanCollector out;
    private final TaskMonitor monitor;
    private final PickleScanner.ContainerPayloads containers;

    TarMembers(ScanCollector out, TaskMonitor monitor, PickleScanner.ContainerPayloads containers) {
        this.out = out;
        this.monitor = monitor;
        this.containers = containers;
    }

    /** Scans what torch reads of {@code tar}; findings name records {@code prefix + member name}. */
    void scan(TorchTar tar, String prefix, String source) throws IOException {
        for (String name : TorchTar.MEMBERS) {
            ByteRegion data = tar.member(name);
            if (data == null) {
                continue;
            }
            monitor.checkCancelled();
            String where = source + ", tar member " + name;
            String record = prefix + name;
            switch (name) {
                case "pickle" -> new PickleScanner(out, monitor, containers, 0).scanRecord(data, record, where);
                case "storages" -> storages(data, record, where);
                default -> tensors(data, record, where);
            }
        }
        if (tar.outcome() == TorchTar.Outcome.FAILS) {
            out.error(source + ": " + tar.problem() + "; torch.load fails there");
        }
    }

    /** pickle(count), then per storage pickle((key, location, type)) + int64 count + data, then pickle(views). */
    private void storages(ByteRegion member, String record, String where) throws IOException {
        PickleScanner scanner = new PickleScanner(out, monitor, containers, 0);
        long pos = scanner.scanOne(member, 0, record, where, true, null);
        long count = pos < 0 ? 0 : intValue(member, 0);
        for (long i = 0; pos >= 0 && i < count && pos < member.length(); i++) {
            long end = scanner.scanOne(member, pos, record, where, true, null);
            if (end < 0) {
                return;
            }
            Optional<Integer> size = elementSize(member, pos);
            if (size.isEmpty()) {
                out.error(where + ": the storage header at offset " + pos + " names no storage class whose element "
                        + "size is known; the bytes after it cannot be walked as torch walks them");
                scanRest(scanner, member, end, record, where);
                return;
            }
            pos = skipCounted(member, end, size.get(), where);
        }
        if (pos >= 0 && pos < member.length()) {
            pos = scanner.scanOne(member, pos, record, where, true, null);
        }
        if (pos >= 0 && pos < member.length()) {
            scanRest(scanner, member, pos, record, where);
        }
    }

    /** The value of the small pickle at {@code pos} as an int (a count), or -1 when it is none. */
    private static long intValue(ByteRegion member, long pos) {
        try {
            var r = new RestrictedUnpickler("count", "count", new PythonCalls(), null).load(member.region(pos,
                    member.length() - pos));
            if (r.value() instanceof org.ckptinspector.model.PyValue.Int n && n.value().bitLength() < 63) {
                return n.value().longValue();
            }
        } catch (CheckpointException | RuntimeException e) {
            // not a plain count: the walk stops, the rest is scanned as pickles
        }
        return Long.MAX_VALUE;
    }

    private static Optional<Integer> elementSize(ByteRegion member, long pos) {
        try {
            return TorchTar.elementSize(new RestrictedUnpickler("header", "header", new PythonCalls(), null)
                    .load(member.region(pos, member.length() - pos)).value());
        } catch (CheckpointException | RuntimeException e) {
            return Optional.empty();
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
