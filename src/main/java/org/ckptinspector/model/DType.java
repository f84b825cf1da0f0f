package org.ckptinspector.model;

import java.util.Locale;
import java.util.Optional;

/** A tensor element type, named as torch names it, with its storage size and safetensors code. */
public enum DType {
    FLOAT64("float64", 8, Kind.FLOAT, "F64", "DoubleStorage"),
    FLOAT32("float32", 4, Kind.FLOAT, "F32", "FloatStorage"),
    FLOAT16("float16", 2, Kind.FLOAT, "F16", "HalfStorage"),
    BFLOAT16("bfloat16", 2, Kind.FLOAT, "BF16", "BFloat16Storage"),
    FLOAT8_E4M3FN("float8_e4m3fn", 1, Kind.FLOAT, "F8_E4M3", null),
    FLOAT8_E5M2("float8_e5m2", 1, Kind.FLOAT, "F8_E5M2", null),
    FLOAT8_E4M3FNUZ("float8_e4m3fnuz", 1, Kind.FLOAT, "F8_E4M3FNUZ", null),
    FLOAT8_E5M2FNUZ("float8_e5m2fnuz", 1, Kind.FLOAT, "F8_E5M2FNUZ", null),
    FLOAT8_E8M0FNU("float8_e8m0fnu", 1, Kind.FLOAT, "F8_E8M0", null),
    /** Two 4-bit floats packed in one byte; torch counts bytes as elements. */
    FLOAT4_E2M1FN_X2("float4_e2m1fn_x2", 1, Kind.FLOAT, "F4", null),
    INT64("int64", 8, Kind.INT, "I64", "LongStorage"),
    INT32("int32", 4, Kind.INT, "I32", "IntStorage"),
    INT16("int16", 2, Kind.INT, "I16", "ShortStorage"),
    INT8("int8", 1, Kind.INT, "I8", "CharStorage"),
    UINT64("uint64", 8, Kind.UINT, "U64", null),
    UINT32("uint32", 4, Kind.UINT, "U32", null),
    UINT16("uint16", 2, Kind.UINT, "U16", null),
    UINT8("uint8", 1, Kind.UINT, "U8", "ByteStorage"),
    BOOL("bool", 1, Kind.BOOL, "BOOL", "BoolStorage"),
    COMPLEX128("complex128", 16, Kind.COMPLEX, null, "ComplexDoubleStorage"),
    COMPLEX64("complex64", 8, Kind.COMPLEX, "C64", "ComplexFloatStorage"),
    COMPLEX32("complex32", 4, Kind.COMPLEX, null, null),
    QINT8("qint8", 1, Kind.QUANTIZED, null, "QInt8Storage"),
    QUINT8("quint8", 1, Kind.QUANTIZED, null, "QUInt8Storage"),
    QINT32("qint32", 4, Kind.QUANTIZED, null, "QInt32Storage"),
    /** Two 4-bit unsigned values per byte. */
    QUINT4X2("quint4x2", 1, Kind.QUANTIZED, null, "QUInt4x2Storage"),
    /** Four 2-bit unsigned values per byte. */
    QUINT2X4("quint2x4", 1, Kind.QUANTIZED, null, "QUInt2x4Storage"),
    BITS8("bits8", 1, Kind.RAW, null, null),
    BITS16("bits16", 2, Kind.RAW, null, null),
    BITS1X8("bits1x8", 1, Kind.RAW, null, null),
    BITS2X4("bits2x4", 1, Kind.RAW, null, null),
    BITS4X2("bits4x2", 1, Kind.RAW, null, null),
    // GGML block-quantized types (GGUF files): not torch dtypes; a block of blockSize() values takes itemSize() bytes.
    Q4_0("q4_0", 32, 18, true),
    Q4_1("q4_1", 32, 20, true),
    Q5_0("q5_0", 32, 22, true),
    Q5_1("q5_1", 32, 24, true),
    Q8_0("q8_0", 32, 34, true),
    Q8_1("q8_1", 32, 36, false),
    Q2_K("q2_k", 256, 84, true),
    Q3_K("q3_k", 256, 110, true),
    Q4_K("q4_k", 256, 144, true),
    Q5_K("q5_k", 256, 176, true),
    Q6_K("q6_k", 256, 210, true),
    Q8_K("q8_k", 256, 292, false),
    IQ2_XXS("iq2_xxs", 256, 66, false),
    IQ2_XS("iq2_xs", 256, 74, false),
    IQ3_XXS("iq3_xxs", 256, 98, false),
    IQ1_S("iq1_s", 256, 50, false),
    IQ4_NL("iq4_nl", 32, 18, false),
    IQ3_S("iq3_s", 256, 110, false),
    IQ2_S("iq2_s", 256, 82, false),
    IQ4_XS("iq4_xs", 256, 136, false),
    IQ1_M("iq1_m", 256, 56, false),
    TQ1_0("tq1_0", 256, 54, false),
    TQ2_0("tq2_0", 256, 66, false),
    MXFP4("mxfp4", 32, 17, false);

    /** {@link #values()} without a copy per lookup. */
    private static final DType[] VALUES = values();

    /**
     * The family of a dtype, which decides how its values are decoded. {@code BLOCK}: a GGML block-quantized type,
     * whose values exist only as the float32 numbers a whole block dequantizes to.
     */
    public enum Kind { FLOAT, INT, UINT, BOOL, COMPLEX, QUANTIZED, RAW, BLOCK }

    private final String torchName;
    private final int itemSize;
    private final Kind kind;
    private final String safetensorsCode;
    private final String legacyStorageClass;
    private final int blockSize;
    private final boolean decoded;

    DType(String torchName, int itemSize, Kind kind, String safetensorsCode, String legacyStorageClass) {
        this.torchName = torchName;
        this.itemSize = itemSize;
        this.kind = kind;
        this.safetensorsCode = safetensorsCode;
        this.legacyStorageClass = legacyStorageClass;
        this.blockSize = 1;
        this.decoded = true;
    }

    /** A GGML block type: {@code blockSize} values in {@code blockBytes} bytes; {@code decoded} when we read them. */
    DType(String ggmlName, int blockSize, int blockBytes, boolean decoded) {
        this.torchName = ggmlName;
        this.itemSize = blockBytes;
        this.kind = Kind.BLOCK;
        this.safetensorsCode = null;
        this.legacyStorageClass = null;
        this.blockSize = blockSize;
        this.decoded = decoded;
    }

    /** torch's name, e.g. {@code float32}; for GGML block types the GGML name in lower case ({@code q8_0}). */
    public String torchName() {
        return torchName;
    }

    /**
     * Bytes per element as torch counts elements (packed sub-byte types count one byte); for GGML block types the
     * bytes of one block of {@link #blockSize()} values.
     */
    public int itemSize() {
        return itemSize;
    }

    /** Values per stored unit: the GGML block length (32, 256) for block types, else 1. */
    public int blockSize() {
        return blockSize;
    }

    /** False for the GGML block types whose values this version does not decode (IQ, ternary, MX formats). */
    public boolean isDecoded() {
        return decoded;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Bits one logical element takes in storage: 4 for quint4x2 and 2 for quint2x4 (packed several per byte, their
     * shape counts logical elements), else {@code 8 * itemSize()}.
     */
    public int bitsPerElement() {
        if (kind == Kind.BLOCK) {
            return itemSize * 8 / blockSize;
        }
        return switch (this) {
            case QUINT4X2 -> 4;
            case QUINT2X4 -> 2;
            default -> itemSize * 8;
        };
    }

    /** True for dtypes that pack several elements into one byte (quint4x2, quint2x4). */
    public boolean isPacked() {
        return kind != Kind.BLOCK && bitsPerElement() < 8;
    }

    /** Bytes {@code elements} elements take in storage, rounded up to whole bytes; saturates on overflow. */
    public long bytesFor(long elements) {
        if (kind == Kind.BLOCK) {
            long blocks = elements / blockSize + (elements % blockSize == 0 ? 0 : 1);
            return blocks > Long.MAX_VALUE / itemSize ? Long.MAX_VALUE : blocks * itemSize;
        }
        int bits = bitsPerElement();
        if (bits % 8 == 0) {
            int size = bits / 8;
            return elements > Long.MAX_VALUE / size ? Long.MAX_VALUE : elements * size;
        }
        int perByte = 8 / bits;
        return elements / perByte + (elements % perByte == 0 ? 0 : 1);
    }

    /** Elements of this dtype that {@code bytes} bytes hold. */
    public long elementsIn(long bytes) {
        if (kind == Kind.BLOCK) {
            long blocks = bytes / itemSize;
            return blocks > Long.MAX_VALUE / blockSize ? Long.MAX_VALUE : blocks * blockSize;
        }
        int bits = bitsPerElement();
        if (bits % 8 == 0) {
            return bytes / (bits / 8);
        }
        int perByte = 8 / bits;
        return bytes > Long.MAX_VALUE / perByte ? Long.MAX_VALUE : bytes * perByte;
    }

    public boolean isFloatingPoint() {
        return kind == Kind.FLOAT;
    }

    /** The safetensors dtype string, if safetensors can hold this dtype. */
    public Optional<String> safetensorsCode() {
        return Optional.ofNullable(safetensorsCode);
    }

    /** The legacy typed storage class name ({@code FloatStorage}); empty for dtypes saved as UntypedStorage. */
    public Optional<String> legacyStorageClass() {
        return Optional.ofNullable(legacyStorageClass);
    }

    /** True for dtypes torch pickles with {@code _rebuild_tensor_v3} and an UntypedStorage (torch ≥ 2.1). */
    public boolean needsUntypedStorage() {
        return legacyStorageClass == null;
    }

    @Override
    public String toString() {
        return torchName;
    }

    public static Optional<DType> fromTorchName(String name) {
        String n = name.startsWith("torch.") ? name.substring(6) : name;
        for (DType d : VALUES) {
            if (d.kind != Kind.BLOCK && d.torchName.equals(n)) {
                return Optional.of(d);
            }
        }
        return aliasOf(n);
    }

    public static Optional<DType> fromSafetensorsCode(String code) {
        for (DType d : VALUES) {
            if (code.equals(d.safetensorsCode)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * The dtype of a numpy type code without its byte-order character ({@code f4}, {@code i8}, {@code b1},
     * {@code c16}); empty for the codes that are not numbers torch has (strings, objects, dates, structured).
     */
    public static Optional<DType> fromNumpyCode(String code) {
        return Optional.ofNullable(switch (code) {
            case "f8" -> FLOAT64;
            case "f4" -> FLOAT32;
            case "f2" -> FLOAT16;
            case "i8" -> INT64;
            case "i4" -> INT32;
            case "i2" -> INT16;
            case "i1" -> INT8;
            case "u8" -> UINT64;
            case "u4" -> UINT32;
            case "u2" -> UINT16;
            case "u1" -> UINT8;
            case "b1" -> BOOL;
            case "c16" -> COMPLEX128;
            case "c8" -> COMPLEX64;
            default -> null;
        });
    }

    /** Maps a storage class name ({@code FloatStorage}, {@code torch.cuda.HalfStorage}) to its dtype. */
    public static Optional<DType> fromLegacyStorageClass(String className) {
        String n = className.substring(className.lastIndexOf('.') + 1);
        for (DType d : VALUES) {
            if (n.equals(d.legacyStorageClass)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static Optional<DType> aliasOf(String n) {
        return Optional.ofNullable(switch (n.toLowerCase(Locale.ROOT)) {
            case "float", "float32" -> FLOAT32;
            case "double" -> FLOAT64;
            case "half" -> FLOAT16;
            case "long" -> INT64;
            case "int" -> INT32;
            case "short" -> INT16;
            case "cfloat" -> COMPLEX64;
            case "cdouble" -> COMPLEX128;
            case "chalf", "complexhalf" -> COMPLEX32;
            default -> null;
        });
    }
}
