package org.ckptinspector.pickle;

import java.math.BigInteger;
import java.util.Objects;
import org.ckptinspector.io.ByteRegion;

/**
 * One opcode read from a pickle: the opcode, the byte offset of its opcode byte within the pickle, and its decoded
 * inline argument (see {@link Opcode.ArgKind} for the Java type of each kind; null when it takes none).
 */
public record PickleOp(Opcode opcode, long offset, Object argument) {

    /** The module and name lines of GLOBAL and INST. */
    public record GlobalName(String module, String name) {
        public GlobalName {
            Objects.requireNonNull(module);
            Objects.requireNonNull(name);
        }

        /** {@code module.name}. */
        public String qualifiedName() {
            return module + "." + name;
        }
    }

    public PickleOp {
        Objects.requireNonNull(opcode);
    }

    /** A fixed-width integer argument (lengths, memo indexes, BININT values, PROTO, FRAME). */
    public long longArg() {
        return as(Long.class);
    }

    /** An integer argument of any width: LONG1, LONG4, LONG, INT, and the fixed-width kinds. */
    public BigInteger bigIntArg() {
        if (argument instanceof Long l) {
            return BigInteger.valueOf(l);
        }
        if (argument instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        return as(BigInteger.class);
    }

    /** A BINFLOAT or FLOAT argument. */
    public double doubleArg() {
        return as(Double.class);
    }

    /** A text argument: BINUNICODE and friends, UNICODE, PERSID. */
    public String textArg() {
        return as(String.class);
    }

    /** A bytes argument: BINBYTES*, BYTEARRAY8, BINSTRING/SHORT_BINSTRING; a view into the pickle, not a copy. */
    public ByteRegion bytesArg() {
        return as(ByteRegion.class);
    }

    /** GLOBAL's or INST's module and name. */
    public GlobalName globalArg() {
        return as(GlobalName.class);
    }

    private <T> T as(Class<T> type) {
        if (!type.isInstance(argument)) {
            throw new IllegalStateException(opcode + " has no " + type.getSimpleName() + " argument");
        }
        return type.cast(argument);
    }

    @Override
    public String toString() {
        return offset + ": " + opcode + (argument == null ? "" : " " + argument);
    }
}
