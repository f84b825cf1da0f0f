package org.ckptinspector.container;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.PyValue;

/**
 * What {@code torch.serialization._legacy_load.legacy_load} reads of a file that {@code tarfile} opens
 * (docs/container-rules.md §1.1 e, §3): {@code extract("storages")}, {@code extract("tensors")} into a temp folder,
 * then {@code extractfile("pickle")}, each found with tarfile's own lookup (last of equal names, links followed as
 * extraction or {@code extractfile} follows them). Any TarError on the way makes torch unpickle the whole file
 * as a legacy stream instead ({@link Outcome#FALLS_BACK}); a missing member or a link that leaves the archive
 * makes it fail ({@link Outcome#FAILS}) after reading the members before it.
 */
public final class TorchTar {
    /** How torch's tar path ends. */
    public enum Outcome {
        /** tarfile cannot open the file: torch reads it as a legacy pickle stream. */
        NOT_TAR,
        /** A TarError after opening: torch reads the whole file as a legacy pickle stream. */
        FALLS_BACK,
        /** torch fails (KeyError, a file outside the archive); the members found before are read. */
        FAILS,
        /** All three members are read. */
        READS
    }

    /** The members of torch's tar format, in the order torch reads them. */
    public static final List<String> MEMBERS = List.of("storages", "tensors", "pickle");

    private final Outcome outcome;
    private final String problem;
    private final Map<String, ByteRegion> read;

    private TorchTar(Outcome outcome, String problem, Map<String, ByteRegion> read) {
        this.outcome = outcome;
        this.problem = problem;
        this.read = read;
    }

    /**
     * Follows torch's tar path over {@code file}.
     *
     * @param source how messages name the file
     */
    public static TorchTar read(ByteRegion file, String source) throws IOException {
        if (!TarArchive.opens(file)) {
            return new TorchTar(Outcome.NOT_TAR, "not a tar archive", Map.of());
        }
        TarArchive tar = TarArchive.read(file, source);
        if (tar.error() != null) {
            return new TorchTar(Outcome.FALLS_BACK, "tarfile: " + tar.error(), Map.of());
        }
        java.util.LinkedHashMap<String, ByteRegion> read = new java.util.LinkedHashMap<>();
        for (String name : MEMBERS) {
            TarArchive.Member m = tar.getmember(name);
            if (m == null) {
                return new TorchTar(Outcome.FAILS, "the tar archive has no '" + name + "' member", read);
            }
            try {
                ByteRegion data = name.equals("pickle") ? tar.extractfile(m) : extracted(tar, m, read, 0);
                if (data == null) {
                    return new TorchTar(Outcome.FAILS, "tar member '" + name + "' is no file torch can read ("
                            + describe(m) + ")", read);
                }
                read.put(name, data);
            } catch (TarArchive.TarError e) {
                return new TorchTar(Outcome.FALLS_BACK, "tarfile: " + e.getMessage(), Map.of());
            } catch (OutsideArchive e) {
                return new TorchTar(Outcome.FAILS, "tar member '" + name + "' " + e.getMessage(), read);
            }
        }
        return new TorchTar(Outcome.READS, null, read);
    }

    /** A symlink that {@code extract} would create pointing outside the temp folder. */
    private static final class OutsideArchive extends Exception {
        private static final long serialVersionUID = 1L;

        OutsideArchive(String message) {
            super(message, null, false, false);
        }
    }

    /** The bytes torch opens after {@code extract(m)}: a symlink or hard link resolves against what is there. */
    private static ByteRegion extracted(TarArchive tar, TarArchive.Member m, Map<String, ByteRegion> done, int depth)
            throws TarArchive.TarError, OutsideArchive {
        if (m.isRegularLike()) {
            return tar.data(m);
        }
        if (!m.isSymlink() && !m.isHardLink() || depth > 32) {
            return null;
        }
        String target = TarArchive.normpath(m.linkName());
        if (m.isSymlink() && (target.startsWith("/") || target.equals("..") || target.startsWith("../"))) {
            throw new OutsideArchive("is a symbolic link to " + m.linkName() + ", outside the archive: torch "
                    + "would read that file");
        }
        if (done.containsKey(target)) {
            return done.get(target);
        }
        if (m.isSymlink()) {
            return null;
        }
        TarArchive.Member t = tar.linkTarget(m);
        return t == null ? null : extracted(tar, t, done, depth + 1);
    }

    private static String describe(TarArchive.Member m) {
        return switch (m.type()) {
            case '1' -> "a hard link to " + m.linkName() + " that does not resolve";
            case '2' -> "a symbolic link to " + m.linkName() + " that does not resolve";
            case '5' -> "a directory";
            default -> "type '" + m.type() + "'";
        };
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Why torch falls back or fails, or null. */
    public String problem() {
        return problem;
    }

    /** The bytes torch reads as member {@code name} ({@link #MEMBERS}), or null when it never gets there. */
    public ByteRegion member(String name) {
        return read.get(name);
    }

    /** Whether torch reads the file as a legacy pickle stream, whatever way it is passed to torch.load. */
    public boolean alwaysStream() {
        return outcome == Outcome.NOT_TAR || outcome == Outcome.FALLS_BACK;
    }

    /**
     * The element size {@code _new_with_file} uses for a storage header {@code (key, location, storage_type)}:
     * {@code torch._utils._element_size(storage_type._dtype)}, from the storage class torch's tensor module
     * defines under that name; empty when the header holds no such class.
     */
    public static Optional<Integer> elementSize(PyValue header) {
        if (header instanceof PyValue.Tuple t && t.size() == 3 && t.get(2) instanceof PyValue.Global g
                && (g.module().equals("torch") || g.module().equals("torch.cuda"))) {
            return DType.fromLegacyStorageClass(g.name()).map(DType::itemSize);
        }
        return Optional.empty();
    }

    /** The names of the members torch reads, for messages. */
    public List<String> readMembers() {
        return new ArrayList<>(read.keySet());
    }
}
