package org.ckptinspector.model;

import java.util.Arrays;
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
    BITS4X2("bits4x2", 1, Kind.RAW, null, null);

    /** The family of a dtype, which decides how its values are decoded. */
    public enum Kind { FLOAT, INT, UINT, BOOL, COMPLEX, QUANTIZED, RAW }

    private final String torchName;
    private final int itemSize;
    private final Kind kind;
    private final String safetensorsCode;
    private final String legacyStorageClass;

    DType(String torchName, int itemSize, Kind kind, String safetensorsCode, String legacyStorageClass) {
        this.torchName = torchName;
        this.itemSize = itemSize;
        this.kind = kind;
        this.safetensorsCode = safetensorsCode;
        this.legacyStorageClass = legacyStorageClass;
    }

    /** torch's name, e.g. {@code float32}. */
    public String torchName() {
        return torchName;
    }

    /** Bytes per element as torch counts elements (packed sub-byte types count one byte). */
    public int itemSize() {
        return itemSize;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Bits one logical element takes in storage: 4 for quint4x2 and 2 for quint2x4 (packed several per byte, their
     * shape counts logical elements), else {@code 8 * itemSize()}.
     */
    public int bitsPerElement() {
        return switch (this) {
            case QUINT4X2 -> 4;
            case QUINT2X4 -> 2;
            default -> itemSize * 8;
        };
    }

    /** True for dtypes that pack several elements into one byte (quint4x2, quint2x4). */
    public boolean isPacked() {
        return bitsPerElement() < 8;
    }

    /** Bytes {@code elements} elements take in storage, rounded up to whole bytes; saturates on overflow. */
    public long bytesFor(long elements) {
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
        return Arrays.stream(values()).filter(d -> d.torchName.equals(n)).findFirst()
                .or(() -> aliasOf(n));
    }

    public static Optional<DType> fromSafetensorsCode(String code) {
        return Arrays.stream(values()).filter(d -> code.equals(d.safetensorsCode)).findFirst();
    }

    /** Maps a storage class name ({@code FloatStorage}, {@code torch.cuda.HalfStorage}) to its dtype. */
    public static Optional<DType> fromLegacyStorageClass(String className) {
        String n = className.substring(className.lastIndexOf('.') + 1);
        return Arrays.stream(values()).filter(d -> n.equals(d.legacyStorageClass)).findFirst();
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
