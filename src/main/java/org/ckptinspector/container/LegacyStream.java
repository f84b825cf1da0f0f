package org.ckptinspector.container;

import java.math.BigInteger;
import org.ckptinspector.model.PyValue;

/**
 * torch's legacy stream (docs/container-rules.md §1.2): five pickles read one after the other from offset 0, then
 * raw storage data. torch recognises it by the value of the first pickle, not by its bytes, so the magic number
 * may be written with any opcodes ({@code PROTO 4} + {@code LONG}, protocol 0 text).
 */
public final class LegacyStream {
    /** {@code torch.serialization.MAGIC_NUMBER}. */
    public static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    /** {@code torch.serialization.PROTOCOL_VERSION}. */
    public static final long PROTOCOL_VERSION = 1001;
    /** The pickles of the stream before the storage data. */
    public static final int PICKLES = 5;

    private LegacyStream() {}

    /** Whether the first pickle's value is the magic number, as torch compares it ({@code !=} on ints). */
    public static boolean isMagic(PyValue first) {
        return first instanceof PyValue.Int i && i.value().equals(MAGIC);
    }
}
