package org.ckptinspector.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.export.zip.Crc32Combination;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.FileSpan;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;

/**
 * Writes an output's tensor data on several threads. Every run of output bytes (a zip record, a safetensors
 * tensor) has its place in the file fixed before anything is written, so runs are cut into pieces of at most
 * {@value #PIECE} bytes that threads write independently with positional writes, keeping each piece's CRC-32; a
 * run's CRC is the combination of its pieces'. Bytes that lie as they are in a source file are read with the
 * file's own reads into a small buffer that stays in the CPU cache while it is checksummed and written (cheaper
 * than writing from the mapping, which faults on every page); converted or gathered bytes come from the mapping
 * in bounded chunks. Progress is reported, and cancellation checked, piece by piece. In a verified export each
 * range is handed to a {@link RangeVerifier} right after it is written, with the bytes it was written from.
 */
final class DataWriter {
    /** Source bytes per piece: large enough for few system calls, small enough for prompt progress and cancel. */
    static final int PIECE = 16 << 20;
    /** Read size from a file: half of a core's L2 cache, so checksum and write read back what was just read. */
    static final int READ = 512 << 10;

    private final FileChannel output;
    /** Compares each range right after it is written; null when the export is not verified. */
    private final RangeVerifier verifier;
    private final List<Piece> pieces = new ArrayList<>();
    private long totalBytes;

    DataWriter(FileChannel output, RangeVerifier verifier) {
        this.output = output;
        this.verifier = verifier;
    }

    /** A run of output bytes; its CRC-32 is known once {@link #write} has returned. */
    static final class Run {
        private final List<Piece> pieces = new ArrayList<>();

        int crc() {
            int crc = 0;  // of no bytes
            for (Piece p : pieces) {
                crc = Crc32Combination.combine(crc, p.crc, p.outputBytes);
            }
            return crc;
        }
    }

    /** Bytes {@code [offset, offset + length)} of {@code region}, converted if asked, written from {@code at}. */
    Run addRange(ByteRegion region, long offset, long length, DTypeConversion conversion, long at) {
        Run run = new Run();
        long step = conversion == null ? PIECE : PIECE / 4 * conversion.from().itemSize();
        for (long from = 0; from < length; from += step) {
            long n = Math.min(step, length - from);
            long outAt = at + (conversion == null ? from : conversion.outputBytes(from));
            long outBytes = conversion == null ? n : conversion.outputBytes(n);
            long start = offset + from;
            add(run, new Piece(outAt, outBytes, scratch -> scratch.range(region, start, n, conversion)));
        }
        return run;
    }

    /** A tensor's elements in row-major order (made contiguous), converted if asked, written from {@code at}. */
    Run addTensor(TensorRef t, DTypeConversion conversion, long at) {
        Optional<ByteRegion> stored = conversion == null ? TensorBytes.storedRun(t) : Optional.empty();
        if (stored.isPresent()) {
            return addRange(stored.get(), 0, stored.get().length(), null, at);
        }
        Run run = new Run();
        DType out = conversion == null ? t.dtype() : conversion.to();
        long perPiece = Math.max(1, PIECE / Math.max(t.dtype().itemSize(), out.itemSize()));
        long numel = t.numel();
        for (long first = 0; first < numel; first += perPiece) {
            long count = Math.min(perPiece, numel - first);
            long from = first;
            add(run, new Piece(at + out.bytesFor(first), out.bytesFor(count), scratch -> TensorBytes.stream(t, from,
                    count, PIECE, data -> scratch.emit(scratch.convert(data, conversion)))));
        }
        return run;
    }

    private void add(Run run, Piece p) {
        run.pieces.add(p);
        pieces.add(p);
        totalBytes = Math.addExact(totalBytes, p.outputBytes);
    }

    /** Writes every piece added so far on up to {@code threads} threads. */
    void write(int threads, TaskMonitor monitor) throws IOException {
        if (verifier != null) {
            verifier.seal();
        }
        Progress progress = new Progress(monitor, totalBytes, verifier == null ? "writing tensor data"
                : "writing and verifying tensor data");
        List<ParallelUnits.Unit<Scratch>> units = new ArrayList<>();
        for (Piece p : pieces) {
            units.add(scratch -> {
                p.crc = scratch.write(p);
                progress.add(p.outputBytes);
            });
        }
        ParallelUnits.run(units, threads, Scratch::new, monitor);
    }

    /** Passes a piece's output bytes, in order, to {@link Scratch#emit}. */
    @FunctionalInterface
    private interface Source {
        void produce(Scratch scratch) throws IOException;
    }

    /** A part of a run: where its bytes go, how many there are, and (once written) their CRC-32. */
    private static final class Piece {
        final long at;
        final long outputBytes;
        final Source source;
        int crc;

        Piece(long at, long outputBytes, Source source) {
            this.at = at;
            this.outputBytes = outputBytes;
            this.source = source;
        }
    }

    /** One thread's buffers and the position its current piece has reached. */
    private final class Scratch {
        private final CRC32 crc = new CRC32();
        private final ByteBuffer reads = ByteBuffer.allocateDirect(READ).order(ByteOrder.LITTLE_ENDIAN);
        private final RangeVerifier.Buffers checking = verifier == null ? null : verifier.buffers();
        private ByteBuffer staging;
        private long at;

        int write(Piece p) throws IOException {
            crc.reset();
            at = p.at;
            p.source.produce(this);
            if (at != p.at + p.outputBytes) {
                throw new IllegalStateException("a piece produced " + (at - p.at) + " of its " + p.outputBytes
                        + " bytes");
            }
            return (int) crc.getValue();
        }

        /** Bytes of a region: through the file's own reads when they lie in one as they are, else mapped. */
        void range(ByteRegion region, long offset, long length, DTypeConversion conversion) throws IOException {
            Optional<FileSpan> span = conversion == null ? region.region(offset, length).fileSpan() : Optional.empty();
            if (span.isPresent()) {
                copy(span.get());
            } else {
                // READ bytes at a time, so that the bytes written are still cached when they are verified
                for (long pos = 0; pos < length; pos += READ) {
                    emit(convert(region.slice(offset + pos, (int) Math.min(READ, length - pos)), conversion));
                }
            }
        }

        private void copy(FileSpan span) throws IOException {
            for (long pos = 0; pos < span.length(); ) {
                int n = (int) Math.min(READ, span.length() - pos);
                reads.clear().limit(n);
                span.read(pos, reads);
                emit(reads.flip(), span, pos);
                pos += n;
            }
        }

        ByteBuffer convert(ByteBuffer data, DTypeConversion conversion) {
            if (conversion == null) {
                return data;
            }
            int need = (int) conversion.outputBytes(data.remaining());
            if (staging == null || staging.capacity() < need) {
                staging = ByteBuffer.allocateDirect(Math.max(need, PIECE)).order(ByteOrder.LITTLE_ENDIAN);
            }
            staging.clear();
            conversion.convert(data, staging);
            return staging.flip();
        }

        void emit(ByteBuffer data) throws IOException {
            emit(data, null, 0);
        }

        /** Writes bytes that were read from {@code origin} (or null) at {@code originPos}. */
        private void emit(ByteBuffer data, FileSpan origin, long originPos) throws IOException {
            ByteBuffer written = data.duplicate();
            crc.update(data.duplicate());
            long from = at;
            while (data.hasRemaining()) {
                at += output.write(data, at);
            }
            if (verifier != null) {
                verifier.written(from, at - from, checking,
                        origin == null ? null : new RangeVerifier.Origin(written, origin, originPos));
            }
        }
    }
}
