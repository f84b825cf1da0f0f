package org.ckptinspector.export;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.export.pickle.PickleWriter;
import org.ckptinspector.export.zip.StoredZipWriter;
import org.ckptinspector.task.TaskMonitor;

/**
 * Writes a plan as a torch.save zip archive (docs/checkpoint-formats.md §2, §12): records {@code data.pkl},
 * {@code byteorder}, {@code data/0…}, {@code version} under a root folder named after the output file, every record
 * STORED and 64-byte aligned. It writes no {@code .format_version}: without it torch never computes record offsets by
 * assuming miniz's exact layout (docs/checkpoint-formats.md §2.6).
 */
final class TorchZipExport {
    static final int ALIGNMENT = 64;

    private TorchZipExport() {}

    /**
     * Writes the archive; returns the number of storage records. A {@code verifier} (or null) is told where each
     * tensor's values go and compares them as they are written.
     */
    static int write(ExportPlan plan, Path output, FileChannel channel, RangeVerifier verifier, TaskMonitor monitor)
            throws IOException {
        StorageLayout layout = StorageLayout.of(plan.items());
        byte[] pickle = PickleWriter.pickle(StateDictPickle.of(plan.items(), plan.moduleMetadata(), layout));
        String root = archiveRoot(output);
        StoredZipWriter zip = new StoredZipWriter(channel, ALIGNMENT);
        zip.add(root + "/data.pkl", pickle);
        zip.add(root + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        DataWriter data = new DataWriter(channel, verifier);
        List<StoredZipWriter.Reserved> entries = new ArrayList<>();
        List<DataWriter.Run> runs = new ArrayList<>();
        Map<StorageLayout.Record, Long> dataOffsets = new IdentityHashMap<>();
        for (StorageLayout.Record r : layout.records()) {
            StoredZipWriter.Reserved entry = zip.reserve(root + "/data/" + r.key, r.outputBytes());
            DTypeConversion conversion = DTypeConversion.of(r.sourceDtype, r.dtype).orElse(null);
            entries.add(entry);
            dataOffsets.put(r, entry.dataOffset());
            runs.add(data.addRange(r.source.bytes(), r.sourceByteOffset(), r.sourceBytes(), conversion,
                    entry.dataOffset()));
        }
        if (verifier != null) {
            for (ExportItem i : plan.items()) {
                StorageLayout.Record r = layout.record(i.tensor());
                verifier.place(i, dataOffsets.get(r) + layout.rebasedOffset(i.tensor()) * r.dtype.itemSize(), true);
            }
        }
        data.write(plan.request().threads(), monitor);
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).complete(runs.get(i).crc());
        }
        zip.add(root + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
        return layout.records().size();
    }

    /**
     * torch's archive name: the file name without its last extension; {@code archive} when that is empty or not
     * ASCII (torch 2.x writes non-ASCII paths through a file object, which gets that name,
     * docs/checkpoint-formats.md §2.2).
     */
    static String archiveRoot(Path output) {
        String name = output.getFileName() == null ? "" : output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        boolean ascii = stem.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
        return stem.isEmpty() || !ascii ? "archive" : stem;
    }
}
