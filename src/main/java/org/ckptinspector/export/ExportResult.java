package org.ckptinspector.export;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What an export wrote.
 *
 * @param output the file written
 * @param tensors number of tensors (keys) in the output
 * @param storages number of storage records (.pth) or tensors (safetensors) holding data
 * @param fileBytes size of the output file
 * @param verification the read-back check, or null when it was not asked for
 * @param warnings what the user should know
 * @param requirements what a reader needs to load the output ({@code torch >= 2.1 (float8_e4m3fn: w)})
 * @param writeTime how long writing the file took, with the comparisons made while writing
 */
public record ExportResult(Path output, ExportFormat format, int tensors, int storages, long fileBytes,
        Verification verification, List<String> warnings, List<String> requirements, Duration writeTime) {

    public ExportResult {
        warnings = List.copyOf(warnings);
        requirements = List.copyOf(requirements);
    }

    /**
     * The result of re-opening the output with our own reader: every exported tensor present with its dtype and
     * shape, and its values byte for byte those of the source tensor (after any dtype conversion).
     *
     * @param checked tensors compared
     * @param mismatches one line per tensor that differs; empty when all match
     * @param bytes bytes of tensor values compared
     * @param time how long the verification after writing took (re-opening, checking, comparing what was left)
     * @param whileWriting time the writing threads spent comparing values as they were written, added up over the
     *     threads (part of the write time)
     */
    public record Verification(int checked, List<String> mismatches, long bytes, Duration time,
            Duration whileWriting) {
        public Verification {
            mismatches = List.copyOf(mismatches);
        }

        /** A verification whose size and time were not measured. */
        public Verification(int checked, List<String> mismatches) {
            this(checked, mismatches, 0, Duration.ZERO, Duration.ZERO);
        }

        public boolean ok() {
            return mismatches.isEmpty();
        }
    }
}
