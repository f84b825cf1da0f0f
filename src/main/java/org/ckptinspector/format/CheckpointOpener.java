package org.ckptinspector.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.ckptinspector.format.folder.FolderReader;
import org.ckptinspector.format.safetensors.SafetensorsReader;
import org.ckptinspector.format.sharded.ShardedReader;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;

/**
 * Opens any supported checkpoint, choosing the reader by the file's content, never by its name: torch zip,
 * torch legacy pickle stream, the oldest torch tar format, safetensors, or a shard index; or a folder (DCP, HF
 * model, PEFT adapter, Trainer checkpoint), read by {@link FolderReader}.
 */
public final class CheckpointOpener {
    private static final byte[] ZIP_MAGIC = {0x50, 0x4B, 0x03, 0x04};
    /** The pickled legacy magic number: PROTO 2, LONG1 10 bytes 0x1950a86a20f9469cfc6c. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc,
        (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    private static final int HEAD = 512;

    private CheckpointOpener() {}

    /** The detected container of a file, before it is parsed. */
    public enum Container { TORCH_ZIP, TORCH_LEGACY, TORCH_TAR, SAFETENSORS, SHARD_INDEX }

    public static Checkpoint open(Path file) throws CheckpointException {
        try {
            if (Files.isDirectory(file)) {
                return FolderReader.read(file);
            }
            return switch (detect(file)) {
                case TORCH_ZIP -> TorchReaders.zip(file);
                case TORCH_LEGACY -> TorchReaders.legacy(file);
                case TORCH_TAR -> TorchReaders.tar(file);
                case SAFETENSORS -> SafetensorsReader.read(file);
                case SHARD_INDEX -> ShardedReader.read(file);
            };
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw CheckpointException.io(file, e);
        } catch (OutOfMemoryError | StackOverflowError e) {
            throw CheckpointException.limit(file, "the file needs more resources than allowed to open ("
                    + e.getClass().getSimpleName() + ")");
        } catch (RuntimeException e) {
            throw CheckpointException.corrupt(file, "unexpected structure (" + e + ")");
        }
    }

    public static Container detect(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                    file + ": is a directory, not a checkpoint file");
        }
        long size = Files.size(file);
        if (size == 0) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": the file is empty");
        }
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(HEAD, size)).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // keep reading until the head is full or the file ends
            }
        }
        head.flip();
        if (startsWith(head, ZIP_MAGIC)) {
            return Container.TORCH_ZIP;
        }
        if (startsWith(head, LEGACY_MAGIC)) {
            return Container.TORCH_LEGACY;
        }
        if (head.remaining() >= 262 && head.get(257) == 'u' && head.get(258) == 's' && head.get(259) == 't'
                && head.get(260) == 'a' && head.get(261) == 'r') {
            return Container.TORCH_TAR;
        }
        if (SafetensorsReader.sniff(head, size)) {
            return Container.SAFETENSORS;
        }
        if (ShardedReader.sniff(head)) {
            return Container.SHARD_INDEX;
        }
        throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                + "checkpoint or safetensors file (" + describe(head) + ")");
    }

    private static boolean startsWith(ByteBuffer head, byte[] magic) {
        if (head.remaining() < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head.get(i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** A hint of what the file is instead, for the error message. */
    private static String describe(ByteBuffer head) {
        if (startsWith(head, new byte[] {(byte) 0x89, 'P', 'N', 'G'})) {
            return "it is a PNG image";
        }
        if (startsWith(head, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
            return "it is a JPEG image";
        }
        if (startsWith(head, new byte[] {0x1f, (byte) 0x8b})) {
            return "it is gzip-compressed; decompress it first";
        }
        if (startsWith(head, new byte[] {'P', 'Y', 'T', 'O', 'R', 'C', 'H', '1'})) {
            return "it is an archive from a PyTorch preview release, which torch itself no longer reads";
        }
        if (head.remaining() > 0 && (head.get(0) & 0xff) == 0x80) {
            return "it is a pickle without torch's header, not written by torch.save";
        }
        return "unrecognised content";
    }
}
