package org.ckptinspector.export;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;
import org.ckptinspector.values.TensorHash;

/**
 * Re-opens a written export with our own reader and compares every tensor with its source: same key, dtype and
 * shape, and the SHA-256 of its values equal to the SHA-256 of the source's values after the planned conversion.
 * Tensors are hashed on all cores, since hashing, not reading, bounds the speed.
 */
final class OutputVerifier {
    private OutputVerifier() {}

    static ExportResult.Verification verify(ExportPlan plan, Path written, TaskMonitor monitor) throws IOException {
        try (Checkpoint out = CheckpointOpener.open(written)) {
            Map<String, TensorRef> byKey = out.tensorsByKey();
            List<String> mismatches = new ArrayList<>();
            if (out.tensors().size() != plan.items().size()) {
                mismatches.add("the output holds " + out.tensors().size() + " tensors, not "
                        + plan.items().size());
            }
            long total = 2 * plan.tensorBytes();
            AtomicLong done = new AtomicLong();
            int cores = Runtime.getRuntime().availableProcessors();
            int threads = Math.max(1, Math.min(cores, 2 * plan.items().size()));
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "export-verify");
                t.setDaemon(true);
                return t;
            });
            try {
                // Source and output are hashed as separate tasks so that even a single tensor uses two cores.
                List<Pending> pending = new ArrayList<>();
                for (ExportItem item : plan.items()) {
                    TensorRef outTensor = byKey.get(item.outputKey());
                    String problem = describe(item, outTensor);
                    if (problem != null) {
                        mismatches.add(problem);
                    } else {
                        pending.add(new Pending(item,
                                pool.submit(() -> hash(() -> sourceHash(item), item, monitor, done, total)),
                                pool.submit(() -> hash(() -> TensorHash.sha256(outTensor), item, monitor, done,
                                        total))));
                    }
                }
                for (Pending p : pending) {
                    String expected = get(p.expected());
                    String actual = get(p.actual());
                    if (!expected.equals(actual)) {
                        mismatches.add(p.item().outputKey() + ": values differ from the source (sha256 " + actual
                                + ", expected " + expected + ")");
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            return new ExportResult.Verification(plan.items().size(), mismatches);
        }
    }

    /** What is wrong with a written tensor's key, dtype or shape; null when they are as planned. */
    private static String describe(ExportItem item, TensorRef out) {
        if (out == null) {
            return item.outputKey() + ": missing from the output";
        }
        if (out.dtype() != item.dtype() || !Arrays.equals(out.shape(), item.tensor().shape())) {
            return item.outputKey() + ": written as " + out.dtype() + " " + Arrays.toString(out.shape())
                    + ", expected " + item.dtype() + " " + Arrays.toString(item.tensor().shape());
        }
        return null;
    }

    /** The two hashes of one tensor, being computed. */
    private record Pending(ExportItem item, Future<String> expected, Future<String> actual) {}

    /** A hash computation that may read a file. */
    private interface Hashing {
        String hash() throws IOException;
    }

    private static String hash(Hashing hashing, ExportItem item, TaskMonitor monitor, AtomicLong done, long total)
            throws IOException {
        monitor.checkCancelled();
        String h = hashing.hash();
        monitor.progress(done.addAndGet(item.outputBytes()), total, "verifying " + item.outputKey());
        return h;
    }

    /** SHA-256 of the source tensor's values as they should have been written. */
    static String sourceHash(ExportItem item) throws IOException {
        DTypeConversion conversion = item.conversion().orElse(null);
        if (conversion == null) {
            return TensorHash.sha256(item.tensor());
        }
        MessageDigest digest = sha256();
        ByteBuffer converted = ByteBuffer.allocate(TensorBytes.DEFAULT_CHUNK);
        TensorBytes.stream(item.tensor(), TensorBytes.DEFAULT_CHUNK / 2, chunk -> {
            converted.clear();
            conversion.convert(chunk, converted);
            digest.update(converted.flip());
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String get(Future<String> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("verification interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
