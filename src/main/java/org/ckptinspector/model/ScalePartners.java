package org.ckptinspector.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pairs float8 weights with the scale tensors that dequantize them, by the names and shapes their writers use:
 * {@code X_scale_inv} (DeepSeek / transformers' fine-grained FP8: one scale per 128×128 block, a ceil-divided
 * grid) and {@code X_scale} (compressed-tensors and FBGEMM: a scalar, one scale per output row as {@code [out, 1]}
 * or {@code [out]}, or a block grid), plus the module's {@code input_scale}, which is an activation scale and only
 * shown. A weight whose partner has a shape no layout explains stays unpaired, its raw codes its values. The
 * block edge is {@code config.json}'s {@code weight_block_size} when the folder gives one, else inferred.
 */
public final class ScalePartners {
    /** DeepSeek-V3's block edge, and transformers' default {@code weight_block_size}. */
    public static final long DEFAULT_BLOCK = 128;

    private ScalePartners() {}

    /**
     * The checkpoint with every float8 weight that has a scale partner marked {@link Quantization.Scaled}. A
     * folder whose {@code config.json} gives {@code quantization_config.weight_block_size} has its block scales
     * laid out by that block; a scale whose shape does not fit it leaves its weight unpaired (raw codes) with a
     * warning naming both tensors.
     */
    public static Checkpoint attach(Checkpoint c) {
        long[] block = configuredBlock(c);
        List<String> warnings = new ArrayList<>(c.warnings());
        List<TensorRef> paired = attach(c.tensors(), block, warnings);
        if (paired == c.tensors() && warnings.size() == c.warnings().size()) {
            return c;
        }
        return new Checkpoint(c.file(), c.format(), c.root(), paired, c.globals(), warnings, c.metadata(),
                c.resources(), c.folder());
    }

    /** {@code tensors} with scaled float8 weights marked (blocks inferred from shapes); the same list when none. */
    public static List<TensorRef> attach(List<TensorRef> tensors) {
        return attach(tensors, null, new ArrayList<>());
    }

    /**
     * {@code config.json}'s {@code quantization_config.weight_block_size} {@code [rows, cols]} (transformers'
     * fine-grained FP8), or null when the checkpoint has none or it is not two positive integers.
     */
    public static long[] configuredBlock(Checkpoint c) {
        if (c.folder() == null || !(c.folder().config() instanceof PyValue.Dict config)
                || !(config.get("quantization_config") instanceof PyValue.Dict q)) {
            return null;
        }
        List<PyValue> items = q.get("weight_block_size") instanceof PyValue.PyList l ? l.items()
                : q.get("weight_block_size") instanceof PyValue.Tuple t ? t.items() : List.of();
        if (items.size() != 2 || !(items.get(0) instanceof PyValue.Int r) || !(items.get(1) instanceof PyValue.Int k)
                || r.value().signum() <= 0 || k.value().signum() <= 0 || r.value().bitLength() > 31
                || k.value().bitLength() > 31) {
            return null;
        }
        return new long[] {r.value().longValue(), k.value().longValue()};
    }

    private static List<TensorRef> attach(List<TensorRef> tensors, long[] block, List<String> warnings) {
        Map<String, TensorRef> byKey = new java.util.HashMap<>();
        for (TensorRef t : tensors) {
            byKey.putIfAbsent(t.key(), t);
        }
        List<TensorRef> out = null;
        for (int i = 0; i < tensors.size(); i++) {
            TensorRef t = tensors.get(i);
            Quantization.Scaled s = isScalable(t) ? partner(t, byKey, block, warnings) : null;
            if (s != null) {
                if (out == null) {
                    out = new ArrayList<>(tensors);
                }
                out.set(i, t.withQuantization(s));
            }
        }
        return out == null ? tensors : out;
    }

    /** The weight each scale tensor (and {@code input_scale}) belongs to, by the scale's key. */
    public static Map<String, String> weightsByScale(List<TensorRef> tensors) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (TensorRef t : tensors) {
            if (t.quantization() instanceof Quantization.Scaled s) {
                m.putIfAbsent(s.scale().key(), t.key());
                if (s.inputScale() != null) {
                    m.putIfAbsent(s.inputScale().key(), t.key());
                }
            }
        }
        return m;
    }

    /** The weight without its scale: its values are then the raw float8 codes. */
    public static TensorRef rawCodes(TensorRef t) {
        return t.quantization() instanceof Quantization.Scaled ? t.withQuantization(null) : t;
    }

    private static boolean isScalable(TensorRef t) {
        DType d = t.dtype();
        return t.quantization() == null && t.layout() == Layout.STRIDED && (d == DType.FLOAT8_E4M3FN
                || d == DType.FLOAT8_E5M2 || d == DType.FLOAT8_E4M3FNUZ || d == DType.FLOAT8_E5M2FNUZ);
    }

    private static Quantization.Scaled partner(TensorRef w, Map<String, TensorRef> byKey, long[] block,
            List<String> warnings) {
        int dot = w.key().lastIndexOf('.');
        TensorRef input = byKey.get(w.key().substring(0, dot + 1) + "input_scale");
        if (input != null && !isScale(input)) {
            input = null;
        }
        for (String suffix : new String[] {"_scale_inv", "_scale"}) {
            TensorRef s = byKey.get(w.key() + suffix);
            if (s != null && isScale(s)) {
                if (block != null && s.numel() != 1) {
                    Quantization.Scaled q = configuredLayout(w, s, input, block);
                    if (q == null) {
                        warnings.add("tensor " + w.key() + ": its scale " + s.key() + " has shape "
                                + java.util.Arrays.toString(s.shape()) + ", but config.json's weight_block_size "
                                + java.util.Arrays.toString(block) + " over " + java.util.Arrays.toString(w.shape())
                                + " needs " + expectedGrid(w, block) + "; its values are the raw float8 codes");
                    }
                    return q;
                }
                Quantization.Scaled q = layout(w, s, input);
                if (q != null) {
                    return q;
                }
            }
        }
        return null;
    }

    /** The block layout of the configured block when {@code s} is its ceil-divided grid over {@code w}, else null. */
    private static Quantization.Scaled configuredLayout(TensorRef w, TensorRef s, TensorRef input, long[] block) {
        if (w.rank() != 2 || s.rank() != 2 || s.dim(0) != ceilDiv(w.dim(0), block[0])
                || s.dim(1) != ceilDiv(w.dim(1), block[1])) {
            return null;
        }
        return new Quantization.Scaled(s, Quantization.ScaleLayout.BLOCK, block[0], block[1], input);
    }

    private static String expectedGrid(TensorRef w, long[] block) {
        return w.rank() != 2 ? "a 2-D weight"
                : "a [" + ceilDiv(w.dim(0), block[0]) + ", " + ceilDiv(w.dim(1), block[1]) + "] grid";
    }

    private static long ceilDiv(long n, long d) {
        return (n + d - 1) / d;
    }

    private static boolean isScale(TensorRef s) {
        DType d = s.dtype();
        return s.layout() == Layout.STRIDED && (d == DType.FLOAT32 || d == DType.BFLOAT16 || d == DType.FLOAT16
                || d == DType.FLOAT64 || d == DType.FLOAT8_E8M0FNU);
    }

    /** The layout that explains the scale's shape against the weight's, or null when none does. */
    private static Quantization.Scaled layout(TensorRef w, TensorRef s, TensorRef input) {
        long rows = w.rank() == 0 ? 1 : w.dim(0);
        long cols = w.rank() <= 1 ? 1 : w.dim(1);
        if (s.numel() == 1) {
            return new Quantization.Scaled(s, Quantization.ScaleLayout.PER_TENSOR, rows, cols, input);
        }
        if (w.rank() != 2) {
            return null;
        }
        boolean rowVector = (s.rank() == 1 && s.dim(0) == rows) || (s.rank() == 2 && s.dim(0) == rows && s.dim(1) == 1);
        if (rowVector) {
            return new Quantization.Scaled(s, Quantization.ScaleLayout.PER_CHANNEL, 1, cols, input);
        }
        if (s.rank() != 2) {
            return null;
        }
        long br = block(rows, s.dim(0));
        long bc = block(cols, s.dim(1));
        if (br <= 0 || bc <= 0) {
            return null;
        }
        return new Quantization.Scaled(s, Quantization.ScaleLayout.BLOCK, br, bc, input);
    }

    /** The block edge that gives {@code grid} blocks over {@code n}: 128 (ragged edge allowed), else n / grid. */
    private static long block(long n, long grid) {
        if (grid <= 0) {
            return -1;
        }
        if ((n + DEFAULT_BLOCK - 1) / DEFAULT_BLOCK == grid) {
            return DEFAULT_BLOCK;
        }
        return n % grid == 0 ? n / grid : -1;
    }
}
