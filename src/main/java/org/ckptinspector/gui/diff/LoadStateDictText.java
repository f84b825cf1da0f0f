package org.ckptinspector.gui.diff;

import java.util.List;
import java.util.stream.Collectors;
import org.ckptinspector.diff.LoadStateDictReport;

/** What {@code model.load_state_dict(checkpoint, strict=…)} would print or raise, as torch words it. */
public final class LoadStateDictText {
    private LoadStateDictText() {}

    /** Whether the call returns instead of raising. */
    public static boolean succeeds(LoadStateDictReport r, boolean strict) {
        return strict ? r.strictOk() : r.nonStrictOk();
    }

    /** torch's RuntimeError message, or the value the call returns. */
    public static String of(LoadStateDictReport r, String modelClass, boolean strict) {
        String error = r.errorMessage(modelClass, strict);
        if (error != null) {
            return "RuntimeError: " + error;
        }
        if (strict || r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty()) {
            return "<All keys matched successfully>";
        }
        return "_IncompatibleKeys(missing_keys=" + list(r.missingKeys()) + ", unexpected_keys="
                + list(r.unexpectedKeys()) + ")";
    }

    private static String list(List<String> keys) {
        return keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ", "[", "]"));
    }
}
