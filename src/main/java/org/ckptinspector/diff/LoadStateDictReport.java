package org.ckptinspector.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code model.load_state_dict(checkpoint)} would do, in torch's words. {@link #errorLines} and
 * {@link #errorMessage} reproduce torch's RuntimeError text character for character (torch 1.13 to 2.13).
 *
 * @param missingKeys the model's keys the checkpoint lacks, in the order torch reports them
 * @param unexpectedKeys the checkpoint's keys the model does not have, in torch's order
 * @param sizeMismatch shared keys whose shapes differ (torch's 0-dim ← [1] exception applied), in torch's order
 * @param notes what torch's lines do not say, such as a missing key that the checkpoint's config.json ties
 */
public record LoadStateDictReport(List<String> missingKeys, List<String> unexpectedKeys,
        List<SizeMismatch> sizeMismatch, List<String> notes) {

    /** A key whose shape in the checkpoint differs from the model's. */
    public record SizeMismatch(String key, List<Long> checkpointShape, List<Long> modelShape) {
        public SizeMismatch {
            checkpointShape = List.copyOf(checkpointShape);
            modelShape = List.copyOf(modelShape);
        }

        /** torch's line for this key. */
        public String message() {
            return "size mismatch for " + key + ": copying a param with shape " + torchSize(checkpointShape)
                    + " from checkpoint, the shape in current model is " + torchSize(modelShape) + ".";
        }
    }

    public LoadStateDictReport {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
        sizeMismatch = List.copyOf(sizeMismatch);
        notes = List.copyOf(notes);
    }

    /** The report of torch's own findings, without notes. */
    public LoadStateDictReport(List<String> missingKeys, List<String> unexpectedKeys,
            List<SizeMismatch> sizeMismatch) {
        this(missingKeys, unexpectedKeys, sizeMismatch, List.of());
    }

    /** The same report with notes added. */
    public LoadStateDictReport withNotes(List<String> more) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(more);
        return new LoadStateDictReport(missingKeys, unexpectedKeys, sizeMismatch, all);
    }

    /** True when {@code load_state_dict(strict=True)} succeeds. */
    public boolean strictOk() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty() && sizeMismatch.isEmpty();
    }

    /** True when {@code load_state_dict(strict=False)} succeeds: it still raises on a size mismatch. */
    public boolean nonStrictOk() {
        return sizeMismatch.isEmpty();
    }

    /** Whether {@code load_state_dict(strict=…)} returns instead of raising. */
    public boolean succeeds(boolean strict) {
        return strict ? strictOk() : nonStrictOk();
    }

    /**
     * What the call shows: torch's RuntimeError, or the value it returns ({@code <All keys matched
     * successfully>} or {@code _IncompatibleKeys(missing_keys=[...], unexpected_keys=[...])}) as Python prints it.
     */
    public String outcome(String modelClass, boolean strict) {
        String error = errorMessage(modelClass, strict);
        if (error != null) {
            return "RuntimeError: " + error;
        }
        if (strict || missingKeys.isEmpty() && unexpectedKeys.isEmpty()) {
            return "<All keys matched successfully>";
        }
        return "_IncompatibleKeys(missing_keys=" + pythonList(missingKeys) + ", unexpected_keys="
                + pythonList(unexpectedKeys) + ")";
    }

    private static String pythonList(List<String> keys) {
        return keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    /** The lines of torch's error, without the header; empty when the load succeeds. */
    public List<String> errorLines(boolean strict) {
        List<String> lines = new ArrayList<>();
        if (strict && !missingKeys.isEmpty()) {
            lines.add("Missing key(s) in state_dict: " + quoted(missingKeys) + ". ");
        }
        if (strict && !unexpectedKeys.isEmpty()) {
            lines.add("Unexpected key(s) in state_dict: " + quoted(unexpectedKeys) + ". ");
        }
        sizeMismatch.forEach(m -> lines.add(m.message()));
        return lines;
    }

    /**
     * The message of the RuntimeError torch raises, or null when the load succeeds.
     *
     * @param modelClass the model's class name, which torch puts in the first line
     */
    public String errorMessage(String modelClass, boolean strict) {
        List<String> lines = errorLines(strict);
        if (lines.isEmpty()) {
            return null;
        }
        return "Error(s) in loading state_dict for " + modelClass + ":\n\t" + String.join("\n\t", lines);
    }

    /** {@code torch.Size([2, 5])}. */
    public static String torchSize(List<Long> shape) {
        return shape.stream().map(String::valueOf).collect(Collectors.joining(", ", "torch.Size([", "])"));
    }

    private static String quoted(List<String> keys) {
        return keys.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "));
    }
}
