package org.ckptinspector.values;

import java.io.IOException;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.ScalePartners;
import org.ckptinspector.model.TensorRef;

/**
 * A scaled float8 weight seen as the float32 tensor torch's dequantization gives: {@code q.float() * s}, each
 * code times the scale of its block, rounded once to float32. Statistics, comparisons and dtype exports read a
 * {@link Quantization.Scaled} weight through this view, so none of them needs to know about scales; the raw codes
 * are {@link ScalePartners#rawCodes}.
 */
public final class ScaledWeights extends ComputedFloats {
    /** Scale grids beyond this are refused: the scales are held in memory. */
    static final long MAX_SCALES = 1 << 24;

    private final ValueReader codes;
    private final float[] scales;
    private final long cols;
    private final long blockRows;
    private final long blockCols;
    private final long gridCols;

    private ScaledWeights(ValueReader codes, float[] scales, long cols, long blockRows, long blockCols) {
        super(codes.size(), 1);
        this.codes = codes;
        this.scales = scales;
        this.cols = Math.max(cols, 1);
        this.blockRows = Math.max(blockRows, 1);
        this.blockCols = Math.max(blockCols, 1);
        this.gridCols = (this.cols + this.blockCols - 1) / this.blockCols;
    }

    /** The float32 view of scaled weight {@code t}; refused, with the reason, when codes or scale are unreadable. */
    public static TensorRef view(TensorRef t) throws CheckpointException {
        if (!(t.quantization() instanceof Quantization.Scaled s)) {
            throw new IllegalArgumentException(t + " has no scale");
        }
        TensorRef scale = s.scale();
        if (scale.numel() > MAX_SCALES) {
            throw CheckpointException.unsupported(t, "its scale " + scale.key() + " has more than " + MAX_SCALES
                    + " values");
        }
        float[] grid = new float[(int) scale.numel()];
        try {
            double[] read = ValueReader.of(scale).read(0, grid.length);
            for (int i = 0; i < grid.length; i++) {
                grid[i] = (float) read[i];
            }
        } catch (CheckpointException e) {
            throw CheckpointException.unsupported(t, "its scale cannot be read: " + e.getMessage());
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Kind.IO, "tensor " + t.key() + ": cannot read its scale "
                    + scale.key() + ": " + e.getMessage(), e);
        }
        ValueReader codes = ValueReader.of(ScalePartners.rawCodes(t));
        long cols = t.rank() >= 2 ? t.dim(t.rank() - 1) : 1;
        return new ScaledWeights(codes, grid, cols, s.blockRows(), s.blockCols())
                .tensor(t.key(), t.shape(), t.path()).withFlags(kept(t.flags()));
    }

    /** The flags that stay true of the values; a negative bit is already applied to the codes read. */
    private static java.util.Set<TensorRef.Flag> kept(java.util.Set<TensorRef.Flag> flags) {
        java.util.Set<TensorRef.Flag> k = java.util.EnumSet.noneOf(TensorRef.Flag.class);
        for (TensorRef.Flag f : flags) {
            if (f == TensorRef.Flag.REQUIRES_GRAD || f == TensorRef.Flag.PARAMETER) {
                k.add(f);
            }
        }
        return k;
    }

    @Override
    protected void compute(long first, float[] into) throws IOException {
        double[] q = codes.read(first, into.length);
        for (int i = 0; i < into.length; i++) {
            into[i] = (float) (q[i] * scaleAt(first + i));
        }
    }

    /** The scale of element {@code e}; the double product of a float8 code and a float32 scale is exact. */
    private float scaleAt(long e) {
        if (scales.length == 1) {
            return scales[0];
        }
        long row = e / cols;
        long col = e % cols;
        return scales[(int) ((row / blockRows) * gridCols + col / blockCols)];
    }
}
