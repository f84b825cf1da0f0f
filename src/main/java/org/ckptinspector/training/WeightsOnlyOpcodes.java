package org.ckptinspector.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.ckptinspector.container.LegacyStream;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.container.ZipEntry;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Format;
import org.ckptinspector.pickle.Opcode;
import org.ckptinspector.pickle.PickleOp;
import org.ckptinspector.pickle.PickleReader;

/**
 * The first opcode of a torch file's pickles that torch ≥ 2.6's weights_only unpickler refuses ("Unsupported
 * operand"): it implements a fixed subset (torch/_weights_only_unpickler.py), so a pickle written with protocol 4
 * ({@code FRAME}, {@code STACK_GLOBAL}, {@code MEMOIZE}) never loads, whatever globals are allowed.
 */
final class WeightsOnlyOpcodes {
    /** The opcodes {@code torch._weights_only_unpickler.Unpickler.load} implements (torch 2.6 to 2.13). */
    private static final Set<Opcode> SUPPORTED = EnumSet.of(Opcode.GLOBAL, Opcode.NEWOBJ, Opcode.REDUCE,
            Opcode.BUILD, Opcode.APPEND, Opcode.APPENDS, Opcode.SETITEM, Opcode.SETITEMS, Opcode.MARK, Opcode.TUPLE,
            Opcode.TUPLE1, Opcode.TUPLE2, Opcode.TUPLE3, Opcode.NONE, Opcode.NEWFALSE, Opcode.NEWTRUE,
            Opcode.EMPTY_TUPLE, Opcode.EMPTY_LIST, Opcode.EMPTY_DICT, Opcode.EMPTY_SET, Opcode.BININT,
            Opcode.BININT1, Opcode.BININT2, Opcode.BINFLOAT, Opcode.BINUNICODE, Opcode.SHORT_BINSTRING,
            Opcode.BINPERSID, Opcode.BINGET, Opcode.LONG_BINGET, Opcode.BINPUT, Opcode.LONG_BINPUT, Opcode.LONG1,
            Opcode.PROTO, Opcode.STOP);

    private WeightsOnlyOpcodes() {}

    /**
     * The first refused opcode of the pickles torch's weights_only load reads ({@code data.pkl} of a zip, the five
     * pickles of a legacy stream), or empty when there is none or the format has no such pickles.
     */
    static Optional<Opcode> firstRefused(Path file, Format format) throws IOException {
        if (format != Format.TORCH_ZIP && format != Format.TORCH_LEGACY) {
            return Optional.empty();
        }
        try (MappedFile mapped = MappedFile.open(file)) {
            if (format == Format.TORCH_LEGACY) {
                PickleReader r = new PickleReader(mapped, file.toString());
                for (int i = 0; i < LegacyStream.PICKLES; i++) {
                    Optional<Opcode> refused = firstRefused(r);
                    if (refused.isPresent()) {
                        return refused;
                    }
                }
                return Optional.empty();
            }
            try (ZipArchive zip = ZipArchive.open(mapped, file.toString())) {
                Optional<ZipEntry> data = zip.record("data.pkl");
                if (data.isEmpty()) {
                    return Optional.empty();
                }
                ByteRegion pickle = zip.read(data.get());
                return firstRefused(new PickleReader(pickle, file + ", data.pkl"));
            }
        }
    }

    private static Optional<Opcode> firstRefused(PickleReader r) throws IOException {
        while (r.hasNext()) {
            PickleOp op = r.next();
            if (!SUPPORTED.contains(op.opcode())) {
                return Optional.of(op.opcode());
            }
            if (op.opcode() == Opcode.STOP) {
                break;
            }
        }
        return Optional.empty();
    }
}
