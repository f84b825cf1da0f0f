package org.ckptinspector.format.torch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * Decodes the numpy values old training checkpoints pickle ({@code numpy.core.multiarray.scalar} and
 * {@code _reconstruct} arrays) from their inert objects, without numpy: only simple numeric dtypes.
 */
final class NumpyValues {
    private NumpyValues() {}

    /** A numpy dtype: the torch dtype with the same bytes, and whether the bytes are big-endian. */
    private record NumpyType(DType dtype, boolean bigEndian) {}

    /** True for {@code numpy[._]core.multiarray.<name>}. */
    private static boolean isMultiarray(PyValue cls, String name) {
        return cls instanceof PyValue.Global g && g.name().equals(name)
                && (g.module().equals("numpy.core.multiarray") || g.module().equals("numpy._core.multiarray"));
    }

    /** The Python value of a pickled numpy scalar, or null when it is not a simple numeric one. */
    static PyValue scalar(PyValue.Obj o) {
        if (!isMultiarray(o.cls(), "scalar") || o.args().size() != 2) {
            return null;
        }
        NumpyType type = type(o.args().get(0));
        byte[] raw = raw(o.args().get(1));
        if (type == null || raw == null || raw.length != type.dtype().itemSize()) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(type.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        switch (type.dtype()) {
            case FLOAT64:
                return new PyValue.Float(b.getDouble());
            case FLOAT32:
                return new PyValue.Float(b.getFloat());
            case FLOAT16:
                return new PyValue.Float(halfToFloat(b.getShort()));
            case INT64:
                return PyValue.Int.of(b.getLong());
            case INT32:
                return PyValue.Int.of(b.getInt());
            case INT16:
                return PyValue.Int.of(b.getShort());
            case INT8:
                return PyValue.Int.of(b.get());
            case UINT64:
                return new PyValue.Int(new BigInteger(Long.toUnsignedString(b.getLong())));
            case UINT32:
                return PyValue.Int.of(b.getInt() & 0xffffffffL);
            case UINT16:
                return PyValue.Int.of(b.getShort() & 0xffff);
            case UINT8:
                return PyValue.Int.of(b.get() & 0xff);
            case BOOL:
                return new PyValue.Bool(b.get() != 0);
            case COMPLEX128:
                return new PyValue.Complex(b.getDouble(), b.getDouble());
            case COMPLEX64:
                return new PyValue.Complex(b.getFloat(), b.getFloat());
            default:
                return null;
        }
    }

    /** True for a pickled numpy array object ({@code _reconstruct(ndarray, ...)}), decodable or not. */
    static boolean isArray(PyValue.Obj o) {
        return isMultiarray(o.cls(), "_reconstruct");
    }

    /** A pickled numpy array as a tensor over its bytes, or null. */
    static TensorRef array(PyValue v) {
        return array(v, "numpy");
    }

    /**
     * A pickled numpy array ({@code _reconstruct} + BUILD state) as a tensor over its bytes (copied, and swapped
     * to little-endian when stored big-endian) in a storage named {@code storageKey}, or null.
     */
    static TensorRef array(PyValue v, String storageKey) {
        if (!(v instanceof PyValue.Obj o) || !isMultiarray(o.cls(), "_reconstruct")
                || !(o.state() instanceof PyValue.Tuple state) || state.size() != 5) {
            return null;
        }
        NumpyType type = type(state.get(2));
        byte[] raw = raw(state.get(4));
        if (type == null || raw == null || !(state.get(1) instanceof PyValue.Tuple shapeTuple)) {
            return null;
        }
        List<PyValue> dims = shapeTuple.items();
        long[] shape = new long[dims.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof PyValue.Int d) || d.value().signum() < 0 || d.value().bitLength() > 31) {
                return null;
            }
            shape[i] = d.value().longValue();
            numel *= shape[i];
        }
        int item = type.dtype().itemSize();
        if (numel * item != raw.length) {
            return null;
        }
        if (type.bigEndian()) {
            swap(raw, type.dtype().kind() == DType.Kind.COMPLEX ? item / 2 : item);
        }
        boolean fortran = state.get(3) instanceof PyValue.Bool f && f.value();
        long[] stride = fortran ? reversed(TensorRef.contiguousStrides(reversed(shape)))
                : TensorRef.contiguousStrides(shape);
        Storage storage = new Storage(storageKey, type.dtype(), raw.length, "cpu", ByteRegion.of(raw), false);
        return TensorRef.strided(type.dtype(), shape, stride, 0, storage);
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    private static NumpyType type(PyValue v) {
        if (!(v instanceof PyValue.Obj o) || !(o.cls() instanceof PyValue.Global g) || !g.name().equals("dtype")
                || o.args().size() < 1 || !(o.args().get(0) instanceof PyValue.Str code)) {
            return null;
        }
        boolean big = o.state() instanceof PyValue.Tuple st && st.size() > 1 && st.get(1) instanceof PyValue.Str order
                && order.value().equals(">");
        DType d = DType.fromNumpyCode(code.value()).orElse(null);
        return d == null ? null : new NumpyType(d, big);
    }

    /** Bytes, or a Python 2 str holding them as Latin-1 characters. */
    private static byte[] raw(PyValue v) {
        if (v instanceof PyValue.Bytes b) {
            return b.value();
        }
        if (v instanceof PyValue.Str s) {
            return s.value().getBytes(StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    private static void swap(byte[] raw, int unit) {
        for (int at = 0; at + unit <= raw.length; at += unit) {
            for (int i = 0, j = unit - 1; i < j; i++, j--) {
                byte t = raw[at + i];
                raw[at + i] = raw[at + j];
                raw[at + j] = t;
            }
        }
    }

    /** IEEE binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
