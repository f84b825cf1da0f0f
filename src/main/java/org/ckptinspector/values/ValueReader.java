package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.FileSpan;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;

/**
 * A tensor's values as doubles, in row-major order, for every dtype.
 *
 * <p>Contract: a reader yields {@link #size()} values for a {@link ValueView}; value {@code i} is the {@code i}-th
 * number of the tensor's logical row-major order after decoding (float16/bfloat16/float8/float4 through exact
 * tables, integers exactly up to 2^53 and rounded to nearest beyond, uint64 as unsigned, bool as 0/1, quantized
 * dequantized as torch does, scaled float8 weights times their scales ({@link ScaledWeights}), GGML blocks as
 * gguf-py dequantizes them, complex as the view asks, the conjugate and
 * negative bits resolved as {@link TensorBytes} resolves them, sparse tensors as their dense form). NaN payloads and ±0 are kept as decoded. {@code size()} is {@code numel} except for float4_e2m1fn_x2 (two values per stored
 * byte, low nibble first) and {@link ValueView#REAL_IMAG} of complex tensors (two per element).
 * {@link #forEach} streams the values in bounded chunks of at most {@link #CHUNK_VALUES} through one reused
 * array, so memory does not grow with the tensor; {@link #read} gives random access to any range and is safe to
 * call from several threads at once (parallel workers each read their own range). Memory stays bounded except
 * for sparse tensors, which are densified in memory up to 128 MiB. Tensors without readable data (meta, missing
 * storage, views past their storage, quantized without parameters, sparse beyond that limit) are refused when
 * the reader is created, with a {@link CheckpointException} that says why; {@link #unreadableReason} asks first.
 */
public final class ValueReader {
    /** Values per chunk of {@link #forEach}: 512 KiB of doubles, which stays in the L2 cache. */
    public static final int CHUNK_VALUES = 1 << 16;
    /** Units decoded per mapped slice, so one slice stays far below the 64 MiB zero-copy limit. */
    private static final int UNITS_PER_SLICE = 1 << 20;

    private final TensorRef tensor;
    private final ValueView view;
    private final TensorRef source;
    private final ElementDecoder decoder;
    private final int valuesPerUnit;
    private final long units;
    private final long size;
    /** True when the stored bytes can be sliced straight from the file: contiguous, no lazy sign bits. */
    private final boolean direct;

    private ValueReader(TensorRef tensor, ValueView view, TensorRef source, ElementDecoder decoder, long size) {
        this.tensor = tensor;
        this.view = view;
        this.source = source;
        this.decoder = decoder;
        this.valuesPerUnit = decoder.valuesPerUnit();
        this.units = source.numel();
        this.size = size;
        this.direct = (source.isContiguous() || source.rank() == 0) && !source.has(TensorRef.Flag.NEG)
                && !source.has(TensorRef.Flag.CONJ) && source.layout() == Layout.STRIDED;
    }

    /** A reader of the tensor's {@link ValueView#VALUE}s. */
    public static ValueReader of(TensorRef t) throws CheckpointException {
        return of(t, ValueView.VALUE);
    }

    /** A reader of the given view of the tensor; refuses tensors whose values cannot be read. */
    public static ValueReader of(TensorRef t, ValueView view) throws CheckpointException {
        Optional<String> why = unreadableReason(t);
        if (why.isPresent()) {
            throw CheckpointException.unsupported(t, why.get());
        }
        DType dtype = t.dtype();
        try {
            TensorRef source = t.layout() == Layout.STRIDED ? t : SparseTensors.densify(t);
            if (t.quantization() instanceof Quantization.Scaled) {
                ElementDecoder f = view == ValueView.IMAG ? zeros(1) : ElementDecoders.real(DType.FLOAT32);
                return new ValueReader(t, view, ScaledWeights.view(t), f, t.numel());
            }
            switch (dtype.kind()) {
                case COMPLEX:
                    ElementDecoder c = new ComplexDecoder(dtype, view);
                    return new ValueReader(t, view, source, c, Math.multiplyExact(t.numel(), c.valuesPerUnit()));
                case QUANTIZED:
                    return quantized(t, view);
                case BLOCK:
                    ElementDecoder f = view == ValueView.IMAG ? zeros(1) : ElementDecoders.real(DType.FLOAT32);
                    return new ValueReader(t, view, DequantizedBlocks.view(t), f, t.numel());
                default:
                    ElementDecoder d = ElementDecoders.real(dtype);
                    if (view == ValueView.IMAG) {
                        d = zeros(d.valuesPerUnit());
                    }
                    return new ValueReader(t, view, source, d, Math.multiplyExact(t.numel(), d.valuesPerUnit()));
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED,
                    "tensor " + t.key() + ": too many elements to read");
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Kind.IO,
                    "tensor " + t.key() + ": cannot read its quantization parameters: " + e.getMessage(), e);
        }
    }

    /** Why the tensor's values cannot be read, or empty when they can. */
    public static Optional<String> unreadableReason(TensorRef t) {
        if (t.layout() == Layout.META) {
            return Optional.of("a meta tensor has no data");
        }
        if (!t.problems().isEmpty()) {
            return Optional.of(String.join("; ", t.problems()));
        }
        if (t.layout() != Layout.STRIDED) {
            if (!t.hasValues()) {
                return Optional.of("parts of this " + t.layout().id() + " tensor are missing or unreadable");
            }
            if (t.nbytes() > SparseTensors.MAX_DENSE_BYTES) {
                return Optional.of("this " + t.layout().id() + " tensor would take " + t.nbytes()
                        + " bytes densified, more than the " + SparseTensors.MAX_DENSE_BYTES + " read into memory");
            }
            if (t.dtype().kind() == DType.Kind.QUANTIZED) {
                return Optional.of("a sparse quantized tensor");
            }
            return Optional.empty();
        }
        if (t.storage() == null || t.storage().bytes() == null) {
            return Optional.of("its data is missing from the file");
        }
        if (t.dtype().kind() == DType.Kind.BLOCK && !t.dtype().isDecoded()) {
            return Optional.of("the values of GGML type " + t.dtype() + " are not decoded by this version");
        }
        if (t.dtype().kind() == DType.Kind.QUANTIZED && t.quantization() == null) {
            return Optional.of("a quantized tensor without scale and zero point");
        }
        if (t.quantization() instanceof Quantization.Scaled s && !s.scale().isReadable()) {
            return Optional.of("its scale " + s.scale().key() + " has no readable data");
        }
        int perByte = 8 / Math.min(8, t.dtype().bitsPerElement());
        if (t.dtype().isPacked() && !(t.isContiguous() && t.storageOffset() % perByte == 0)) {
            return Optional.of("a non-contiguous " + t.dtype() + " view (packed sub-byte codes)");
        }
        return Optional.empty();
    }

    /** Streams all values of {@code t}'s {@link ValueView#VALUE} view; see {@link #forEach(TaskMonitor, ValueChunkSink)}. */
    public static void forEach(TensorRef t, TaskMonitor monitor, ValueChunkSink sink) throws IOException {
        of(t).forEach(monitor, sink);
    }

    /** The first {@code n} values of {@code t} (fewer if it has fewer), for previews. */
    public static double[] head(TensorRef t, int n) throws IOException {
        return of(t).head(n);
    }

    public TensorRef tensor() {
        return tensor;
    }

    /**
     * The strided tensor whose stored elements this reader decodes, in the same row-major order: the tensor
     * itself, a sparse tensor's dense form (held in memory), or a packed quantized tensor's bytes as uint8.
     */
    public TensorRef source() {
        return source;
    }

    public ValueView view() {
        return view;
    }

    /** Number of values this reader yields. */
    public long size() {
        return size;
    }

    /**
     * The value of every possible code, when the tensor's elements are 1- or 2-byte codes whose value depends on
     * the bits alone; empty otherwise (wider dtypes, complex, per-channel or sub-byte quantized). The codes are
     * read with {@link TensorBytes#stream}, one element per code.
     */
    public Optional<CodeTable> codeTable() {
        int item = tensor.dtype().itemSize();
        if (tensor.dtype().isPacked() || item > 2 || !decoder.positionIndependent()
                || tensor.dtype().kind() == DType.Kind.COMPLEX || tensor.dtype().kind() == DType.Kind.BLOCK
                || source.dtype() != tensor.dtype()) {
            return Optional.empty();
        }
        int codes = 1 << (8 * item);
        ByteBuffer all = ByteBuffer.allocate(codes * item).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < codes; c++) {
            if (item == 1) {
                all.put((byte) c);
            } else {
                all.putShort((short) c);
            }
        }
        all.flip();
        double[] values = new double[codes * valuesPerUnit];
        decoder.decode(all, 0, codes, values, 0);
        return Optional.of(new CodeTable(item, valuesPerUnit, values));
    }

    /** The first {@code n} values (fewer if there are fewer). */
    public double[] head(int n) throws IOException {
        return read(0, (int) Math.min(n, size));
    }

    /** Values {@code [first, first + count)} in a new array. */
    public double[] read(long first, int count) throws IOException {
        double[] out = new double[count];
        read(first, out, 0, count);
        return out;
    }

    /**
     * Writes values {@code [first, first + count)} into {@code dst[offset, offset + count)}. Thread-safe; each
     * call works in its own memory.
     */
    public void read(long first, double[] dst, int offset, int count) throws IOException {
        if (first < 0 || count < 0 || first > size - count) {
            throw new IndexOutOfBoundsException("values [" + first + ", " + first + "+" + count + ") of "
                    + size + " in tensor " + tensor.key());
        }
        java.util.Objects.checkFromIndexSize(offset, count, dst.length);
        int vpu = valuesPerUnit;
        long firstUnit = first / vpu;
        int skip = (int) (first % vpu);
        if (skip == 0 && count % vpu == 0) {
            decodeUnits(firstUnit, count / vpu, dst, offset);
            return;
        }
        long endUnit = Math.min(units, (first + count + vpu - 1) / vpu);
        int n = (int) (endUnit - firstUnit);
        double[] whole = new double[n * vpu];
        decodeUnits(firstUnit, n, whole, 0);
        System.arraycopy(whole, skip, dst, offset, count);
    }

    /**
     * True when the values are a float32 tensor's stored floats, contiguous in the file, which {@link #readFloats}
     * copies without widening them.
     */
    public boolean storesFloat32() {
        return direct && view != ValueView.IMAG && tensor.dtype() == DType.FLOAT32 && source.dtype() == DType.FLOAT32
                && !(tensor.quantization() instanceof Quantization.Scaled);
    }

    /**
     * Copies values {@code [first, first + count)} as the stored floats into {@code dst[offset, offset + count)};
     * only for {@link #storesFloat32()} readers. When the bytes are a plain range of the file they are read with
     * a positional read into {@code staging} (a direct buffer of at least {@code 4 * count} bytes, the caller's
     * own): for a pass that reads every byte once, that is cheaper than a page fault on every page of the mapping.
     * Thread-safe like {@link #read}.
     */
    public void readFloats(long first, float[] dst, int offset, int count, ByteBuffer staging) throws IOException {
        if (!storesFloat32()) {
            throw new IllegalStateException("tensor " + tensor.key() + " does not store contiguous float32 values");
        }
        if (first < 0 || count < 0 || first > size - count) {
            throw new IndexOutOfBoundsException("values [" + first + ", " + first + "+" + count + ") of "
                    + size + " in tensor " + tensor.key());
        }
        java.util.Objects.checkFromIndexSize(offset, count, dst.length);
        ByteRegion region = source.storage().bytes();
        long position = (source.storageOffset() + first) * Float.BYTES;
        Optional<FileSpan> span = region.fileSpan();
        if (span.isPresent() && staging.capacity() >= count * Float.BYTES) {
            staging.clear().limit(count * Float.BYTES);
            span.get().read(position, staging);
            staging.flip();
            staging.order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(0, dst, offset, count);
            return;
        }
        for (int done = 0; done < count; ) {
            int k = Math.min(UNITS_PER_SLICE, count - done);
            ByteBuffer bytes = region.slice(position + (long) done * Float.BYTES, k * Float.BYTES);
            bytes.asFloatBuffer().get(0, dst, offset + done, k);
            done += k;
        }
    }

    /**
     * Streams every value in order through {@code sink}, in chunks of at most {@link #CHUNK_VALUES}, reporting
     * progress in values and stopping with {@link org.ckptinspector.task.CancelledException} when cancelled.
     */
    public void forEach(TaskMonitor monitor, ValueChunkSink sink) throws IOException {
        forEach(0, size, monitor, sink);
    }

    /** Streams values {@code [first, first + count)} in order; see {@link #forEach(TaskMonitor, ValueChunkSink)}. */
    public void forEach(long first, long count, TaskMonitor monitor, ValueChunkSink sink) throws IOException {
        if (first < 0 || count < 0 || first > size - count) {
            throw new IndexOutOfBoundsException("values [" + first + ", " + first + "+" + count + ") of "
                    + size + " in tensor " + tensor.key());
        }
        int chunk = (int) Math.min(CHUNK_VALUES, Math.max(count, 1));
        chunk -= chunk % valuesPerUnit == 0 ? 0 : chunk % valuesPerUnit;
        double[] buffer = new double[Math.max(chunk, valuesPerUnit)];
        long done = 0;
        while (done < count) {
            monitor.checkCancelled();
            int n = (int) Math.min(buffer.length, count - done);
            read(first + done, buffer, 0, n);
            sink.accept(buffer, n, first + done);
            done += n;
            monitor.progress(done, count, tensor.key());
        }
    }

    private void decodeUnits(long firstUnit, int n, double[] dst, int offset) throws IOException {
        int item = source.dtype().itemSize();
        int done = 0;
        while (done < n) {
            int k = Math.min(UNITS_PER_SLICE, n - done);
            long unit = firstUnit + done;
            int at = offset + done * valuesPerUnit;
            if (direct) {
                ByteRegion region = source.storage().bytes();
                ByteBuffer bytes = region.slice((source.storageOffset() + unit) * item, k * item);
                decoder.decode(bytes, unit, k, dst, at);
            } else {
                long[] next = {unit};
                TensorBytes.stream(source, unit, k, k * item, chunk -> {
                    int m = chunk.remaining() / item;
                    decoder.decode(chunk.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN), next[0], m, dst,
                            at + (int) (next[0] - unit) * valuesPerUnit);
                    next[0] += m;
                });
            }
            done += k;
        }
    }

    private static ValueReader quantized(TensorRef t, ValueView view) throws IOException {
        QuantizedDecoder q = QuantizedDecoder.of(t);
        ElementDecoder d = view == ValueView.IMAG ? zeros(q.valuesPerUnit()) : q;
        int perByte = q.valuesPerUnit();
        if (perByte == 1) {
            return new ValueReader(t, view, t, d, t.numel());
        }
        long bytes = (t.numel() + perByte - 1) / perByte;
        TensorRef packed = TensorRef.strided(DType.UINT8, new long[] {bytes}, new long[] {1},
                t.storageOffset() / perByte, t.storage()).withLocation(t.key(), t.path());
        if (packed.requiredStorageElements() > t.storage().byteSize()) {
            throw new CheckpointException(CheckpointException.Kind.CORRUPT, "tensor " + t.key() + ": its "
                    + t.numel() + " packed " + t.dtype() + " codes need " + bytes + " bytes, the storage holds "
                    + t.storage().byteSize());
        }
        return new ValueReader(t, view, packed, d, t.numel());
    }

    private static ElementDecoder zeros(int valuesPerUnit) {
        return new ElementDecoder() {
            @Override
            public int valuesPerUnit() {
                return valuesPerUnit;
            }

            @Override
            public void decode(ByteBuffer src, long firstUnit, int n, double[] dst, int offset) {
                Arrays.fill(dst, offset, offset + n * valuesPerUnit, 0.0);
            }
        };
    }
}
