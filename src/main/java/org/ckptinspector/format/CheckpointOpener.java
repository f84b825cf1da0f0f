package org.ckptinspector.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.ckptinspector.container.TarArchive;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.format.folder.FolderReader;
import org.ckptinspector.format.gguf.GgufReader;
import org.ckptinspector.format.numpy.NumpyReader;
import org.ckptinspector.format.pt2.Pt2Reader;
import org.ckptinspector.format.safetensors.SafetensorsReader;
import org.ckptinspector.format.sharded.ShardedReader;
import org.ckptinspector.format.torch.TorchLegacyReader;
import org.ckptinspector.format.torch.TorchTarReader;
import org.ckptinspector.format.torch.TorchZipReader;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.HeapRegion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.ScalePartners;
import org.ckptinspector.pickle.Opcode;

/**
 * Opens any supported checkpoint, choosing the reader by the file's content, never by its name, in the order
 * {@code torch.load} tries them: torch zip (the zip magic at offset 0), the oldest torch tar format (whatever
 * Python's tarfile opens), then the formats torch does not read (GGUF, numpy .npy, safetensors, a shard index;
 * a zip may also be numpy .npz or a torch.export .pt2), then the legacy pickle stream (any pickle); or a
 * folder (DCP, HF model, PEFT adapter, Trainer checkpoint), read by {@link FolderReader}.
 */
public final class CheckpointOpener {
    private static final int HEAD = 512;

    private CheckpointOpener() {}

    /** The detected container of a file, before it is parsed. */
    public enum Container { TORCH_ZIP, TORCH_LEGACY, TORCH_TAR, SAFETENSORS, SHARD_INDEX, GGUF, NPY, NPZ, PT2 }

    /**
     * Opens {@code file} (or a folder) with the reader its content calls for, with float8 weights paired to their
     * scales ({@link ScalePartners}) over the whole checkpoint, across shards and folder parts.
     */
    public static Checkpoint open(Path file) throws CheckpointException {
        return ScalePartners.attach(read(file));
    }

    private static Checkpoint read(Path file) throws CheckpointException {
        try {
            if (Files.isDirectory(file)) {
                return FolderReader.read(file, CheckpointOpener::read);
            }
            return switch (detect(file)) {
                case TORCH_ZIP -> TorchZipReader.read(file);
                case TORCH_LEGACY -> TorchLegacyReader.read(file);
                case TORCH_TAR -> TorchTarReader.read(file);
                case SAFETENSORS -> SafetensorsReader.read(file);
                case SHARD_INDEX -> ShardedReader.read(file, CheckpointOpener::read);
                case GGUF -> GgufReader.read(file);
                case NPY -> NumpyReader.readNpy(file);
                case NPZ -> NumpyReader.readNpz(file);
                case PT2 -> Pt2Reader.read(file);
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
            if (Files.isSymbolicLink(file)) {
                throw new CheckpointException(CheckpointException.Kind.IO,
                        file + ": a symbolic link to no file (its target is missing, or links loop)");
            }
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                    file + ": is a directory, not a checkpoint file");
        }
        if (!Files.isRegularFile(file)) {
            // A pipe would block the read until a writer comes, and has no size or offsets to read records at.
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                    file + ": not a regular file (a pipe, device or socket); save the checkpoint to a file first");
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
        ByteRegion headRegion = new HeapRegion(head.duplicate());
        if (ZipArchive.sniff(headRegion)) {
            return ZipKinds.of(file);
        }
        if (head.remaining() >= 512 && TarArchive.opens(headRegion)) {
            return Container.TORCH_TAR;
        }
        if (GgufReader.sniff(head)) {
            return Container.GGUF;
        }
        if (NumpyReader.sniff(head)) {
            return Container.NPY;
        }
        if (SafetensorsReader.sniff(head, size)) {
            return Container.SAFETENSORS;
        }
        if (ShardedReader.sniff(head)) {
            return Container.SHARD_INDEX;
        }
        String other = OtherFormats.name(head, size, file);
        if (other != null) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                    + "checkpoint: it is " + other + ", which this version does not read");
        }
        if (head.remaining() > 0 && Opcode.of(head.get(0)) != null && describe(head) == null) {
            return Container.TORCH_LEGACY;
        }
        throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                + "checkpoint or safetensors file (" + Objects.requireNonNullElse(describe(head), "unrecognised content")
                + ")");
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

    /** A hint of what the file is instead, for the error message; null when the content is not recognised. */
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
        return null;
    }
}
