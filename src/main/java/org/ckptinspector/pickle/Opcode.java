package org.ckptinspector.pickle;

/**
 * Every pickle opcode of protocols 0–5 (CPython's {@code pickletools.opcodes}), with its byte, the protocol that
 * introduced it and the kind of argument that follows it in the stream.
 */
public enum Opcode {
    // Protocol 0 and 1
    MARK('(', ArgKind.NONE, 0),
    STOP('.', ArgKind.NONE, 0),
    POP('0', ArgKind.NONE, 0),
    POP_MARK('1', ArgKind.NONE, 1),
    DUP('2', ArgKind.NONE, 0),
    FLOAT('F', ArgKind.FLOAT_LINE, 0),
    INT('I', ArgKind.INT_LINE, 0),
    BININT('J', ArgKind.INT4, 1),
    BININT1('K', ArgKind.UINT1, 1),
    LONG('L', ArgKind.LONG_LINE, 0),
    BININT2('M', ArgKind.UINT2, 1),
    NONE('N', ArgKind.NONE, 0),
    PERSID('P', ArgKind.ASCII_LINE, 0),
    BINPERSID('Q', ArgKind.NONE, 1),
    REDUCE('R', ArgKind.NONE, 0),
    STRING('S', ArgKind.QUOTED_STRING_LINE, 0),
    BINSTRING('T', ArgKind.BYTES4_SIGNED, 1),
    SHORT_BINSTRING('U', ArgKind.BYTES1, 1),
    UNICODE('V', ArgKind.RAW_UNICODE_LINE, 0),
    BINUNICODE('X', ArgKind.UTF8_4, 1),
    APPEND('a', ArgKind.NONE, 0),
    BUILD('b', ArgKind.NONE, 0),
    GLOBAL('c', ArgKind.GLOBAL_LINES, 0),
    DICT('d', ArgKind.NONE, 0),
    EMPTY_DICT('}', ArgKind.NONE, 1),
    APPENDS('e', ArgKind.NONE, 1),
    GET('g', ArgKind.INT_LINE, 0),
    BINGET('h', ArgKind.UINT1, 1),
    INST('i', ArgKind.GLOBAL_LINES, 0),
    LONG_BINGET('j', ArgKind.UINT4, 1),
    LIST('l', ArgKind.NONE, 0),
    EMPTY_LIST(']', ArgKind.NONE, 1),
    OBJ('o', ArgKind.NONE, 1),
    PUT('p', ArgKind.INT_LINE, 0),
    BINPUT('q', ArgKind.UINT1, 1),
    LONG_BINPUT('r', ArgKind.UINT4, 1),
    SETITEM('s', ArgKind.NONE, 0),
    TUPLE('t', ArgKind.NONE, 0),
    EMPTY_TUPLE(')', ArgKind.NONE, 1),
    SETITEMS('u', ArgKind.NONE, 1),
    BINFLOAT('G', ArgKind.FLOAT8, 1),
    // Protocol 2
    PROTO(0x80, ArgKind.UINT1, 2),
    NEWOBJ(0x81, ArgKind.NONE, 2),
    EXT1(0x82, ArgKind.UINT1, 2),
    EXT2(0x83, ArgKind.UINT2, 2),
    EXT4(0x84, ArgKind.INT4, 2),
    TUPLE1(0x85, ArgKind.NONE, 2),
    TUPLE2(0x86, ArgKind.NONE, 2),
    TUPLE3(0x87, ArgKind.NONE, 2),
    NEWTRUE(0x88, ArgKind.NONE, 2),
    NEWFALSE(0x89, ArgKind.NONE, 2),
    LONG1(0x8a, ArgKind.LONG1, 2),
    LONG4(0x8b, ArgKind.LONG4, 2),
    // Protocol 3
    BINBYTES('B', ArgKind.BYTES4, 3),
    SHORT_BINBYTES('C', ArgKind.BYTES1, 3),
    // Protocol 4
    SHORT_BINUNICODE(0x8c, ArgKind.UTF8_1, 4),
    BINUNICODE8(0x8d, ArgKind.UTF8_8, 4),
    BINBYTES8(0x8e, ArgKind.BYTES8, 4),
    EMPTY_SET(0x8f, ArgKind.NONE, 4),
    ADDITEMS(0x90, ArgKind.NONE, 4),
    FROZENSET(0x91, ArgKind.NONE, 4),
    NEWOBJ_EX(0x92, ArgKind.NONE, 4),
    STACK_GLOBAL(0x93, ArgKind.NONE, 4),
    MEMOIZE(0x94, ArgKind.NONE, 4),
    FRAME(0x95, ArgKind.UINT8, 4),
    // Protocol 5
    BYTEARRAY8(0x96, ArgKind.BYTES8, 5),
    NEXT_BUFFER(0x97, ArgKind.NONE, 5),
    READONLY_BUFFER(0x98, ArgKind.NONE, 5);

    /**
     * The encoding of an opcode's inline argument, and the Java type {@link PickleOp#argument()} decodes it to.
     */
    public enum ArgKind {
        /** No argument; {@code null}. */
        NONE,
        /** 1-byte unsigned int; {@code Long}. */
        UINT1,
        /** 2-byte little-endian unsigned int; {@code Long}. */
        UINT2,
        /** 4-byte little-endian signed int; {@code Long}. */
        INT4,
        /** 4-byte little-endian unsigned int; {@code Long}. */
        UINT4,
        /** 8-byte little-endian unsigned int (a frame length); {@code Long}, refused when negative as signed. */
        UINT8,
        /** 8-byte big-endian IEEE double; {@code Double}. */
        FLOAT8,
        /** 1-byte length, then a little-endian two's complement int; {@code BigInteger}. */
        LONG1,
        /** 4-byte signed length, then a little-endian two's complement int; {@code BigInteger}. */
        LONG4,
        /** Decimal text up to a newline; {@code BigInteger}, or {@code Boolean} for protocol 0's 00 and 01. */
        INT_LINE,
        /** Decimal text with an optional trailing L, up to a newline; {@code BigInteger}. */
        LONG_LINE,
        /** Float repr up to a newline; {@code Double}. */
        FLOAT_LINE,
        /** ASCII text up to a newline (PERSID); {@code String}. */
        ASCII_LINE,
        /** A quoted, backslash-escaped Python 2 string literal up to a newline; {@code byte[]}. */
        QUOTED_STRING_LINE,
        /** raw-unicode-escape text up to a newline; {@code String}. */
        RAW_UNICODE_LINE,
        /** Two lines, module and name; {@link PickleOp.GlobalName}. */
        GLOBAL_LINES,
        /** 1-byte length, then bytes; {@link org.ckptinspector.io.ByteRegion} (a view, not a copy). */
        BYTES1,
        /** 4-byte unsigned length, then bytes; {@code ByteRegion}. */
        BYTES4,
        /** 4-byte signed length (negative is corrupt), then bytes; {@code ByteRegion}. */
        BYTES4_SIGNED,
        /** 8-byte length, then bytes; {@code ByteRegion}. */
        BYTES8,
        /** 1-byte length, then UTF-8; {@code String}. */
        UTF8_1,
        /** 4-byte unsigned length, then UTF-8; {@code String}. */
        UTF8_4,
        /** 8-byte length, then UTF-8; {@code String}. */
        UTF8_8
    }

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final ArgKind argKind;
    private final int protocol;

    Opcode(int code, ArgKind argKind, int protocol) {
        this.code = code;
        this.argKind = argKind;
        this.protocol = protocol;
    }

    /** The opcode byte, 0–255. */
    public int code() {
        return code;
    }

    public ArgKind argKind() {
        return argKind;
    }

    /** The lowest pickle protocol that defines this opcode. */
    public int protocol() {
        return protocol;
    }

    /** The opcode for a byte, or null when the byte is no opcode. */
    public static Opcode of(int b) {
        return BY_CODE[b & 0xff];
    }
}
