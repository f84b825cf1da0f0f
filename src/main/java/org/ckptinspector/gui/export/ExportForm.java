package org.ckptinspector.gui.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.ckptinspector.app.RenamePreview;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.Selection;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.RenameRule;

/**
 * What the export dialog edits: the chosen keys (fixed), rename rules, format, dtype, verification and the
 * output file. Computes the live rename preview and the request the core exporter runs.
 */
public final class ExportForm {
    private final List<String> keys;
    private final ObservableList<RuleText> rules = FXCollections.observableArrayList(
            r -> new javafx.beans.Observable[] {r.fromProperty(), r.toProperty()});
    private final ObjectProperty<ExportFormat> format = new SimpleObjectProperty<>(ExportFormat.PTH);
    private final ObjectProperty<DType> dtype = new SimpleObjectProperty<>();
    private final BooleanProperty verify = new SimpleBooleanProperty(true);
    private final ObjectProperty<Path> output = new SimpleObjectProperty<>();

    public ExportForm(List<String> keys, Path source) {
        this.keys = List.copyOf(keys);
        output.set(defaultOutput(source, ExportFormat.PTH));
        // The format and the file name's extension follow each other, so a typed x.safetensors writes safetensors.
        format.addListener((obs, was, now) -> {
            Path out = output.get();
            if (out != null && ExportFormat.fromFileName(out).orElse(null) != now) {
                output.set(withExtension(out, now));
            }
        });
        output.addListener((obs, was, now) -> {
            if (now != null) {
                ExportFormat.fromFileName(now).ifPresent(format::set);
            }
        });
    }

    public List<String> keys() {
        return keys;
    }

    public ObservableList<RuleText> rules() {
        return rules;
    }

    public ObjectProperty<ExportFormat> formatProperty() {
        return format;
    }

    /** The dtype to convert floating-point tensors to; null keeps every dtype. */
    public ObjectProperty<DType> dtypeProperty() {
        return dtype;
    }

    public BooleanProperty verifyProperty() {
        return verify;
    }

    public ObjectProperty<Path> outputProperty() {
        return output;
    }

    /** The first invalid rule's problem, if any. */
    public Optional<String> ruleError() {
        for (RuleText r : rules) {
            Optional<String> e = r.error();
            if (e.isPresent()) {
                return Optional.of("Rule " + r.fromProperty().get() + " → " + r.toProperty().get() + ": " + e.get());
            }
        }
        return Optional.empty();
    }

    /** The output keys as the rules stand (the rules must be valid). */
    public RenamePreview preview() {
        return RenamePreview.of(keys, compiledRules());
    }

    /** Adds a rule removing the dotted prefix all keys share ({@code state_dict.model.}), if they share one. */
    public Optional<String> addStripCommonPrefix() {
        String prefix = commonPrefix(keys);
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        rules.add(new RuleText("^" + java.util.regex.Pattern.quote(prefix), ""));
        return Optional.of(prefix);
    }

    /** Why the export cannot start yet, or empty when it can. */
    public Optional<String> problem() {
        if (keys.isEmpty()) {
            return Optional.of("Choose at least one tensor.");
        }
        Optional<String> e = ruleError();
        if (e.isPresent()) {
            return e;
        }
        RenamePreview p;
        try {
            p = preview();
        } catch (RuntimeException ex) {
            return Optional.of("A rename rule cannot be applied: " + ex.getMessage());
        }
        if (!p.ok()) {
            return Optional.of(p.problems() + " output keys collide or are empty; change the rename rules.");
        }
        if (output.get() == null) {
            return Optional.of("Choose the output file.");
        }
        if (ExportFormat.fromFileName(output.get()).isEmpty()) {
            return Optional.of("End the file name in ." + extension(format.get())
                    + " (or .safetensors, .pth, .pt, .bin, .ckpt), so that the extension says what it holds.");
        }
        return Optional.empty();
    }

    public ExportRequest request() {
        return ExportRequest.of(Selection.all().withKeys(new LinkedHashSet<>(keys)), format.get())
                .withRenames(compiledRules()).withDtype(dtype.get()).withVerify(verify.get())
                .withThreads(Background.analysisThreads());
    }

    private List<RenameRule> compiledRules() {
        List<RenameRule> out = new ArrayList<>();
        rules.forEach(r -> r.rule().ifPresent(out::add));
        return out;
    }

    /** The longest dotted prefix (ending in a dot) of all keys. */
    static String commonPrefix(List<String> keys) {
        if (keys.isEmpty()) {
            return "";
        }
        String p = keys.get(0);
        for (String k : keys) {
            int i = 0;
            while (i < p.length() && i < k.length() && p.charAt(i) == k.charAt(i)) {
                i++;
            }
            p = p.substring(0, i);
        }
        int dot = p.lastIndexOf('.');
        String prefix = dot < 0 ? "" : p.substring(0, dot + 1);
        // A prefix that is a whole key would leave that key empty.
        return keys.stream().anyMatch(k -> k.length() == prefix.length()) ? "" : prefix;
    }

    static Path defaultOutput(Path source, ExportFormat f) {
        Path dir = source.toAbsolutePath().getParent();
        String name = source.getFileName().toString();
        int dot = name.indexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return dir.resolve(stem + "-export." + extension(f));
    }

    static Path withExtension(Path p, ExportFormat f) {
        if (p == null) {
            return null;
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return p.resolveSibling(stem + "." + extension(f));
    }

    private static String extension(ExportFormat f) {
        return f == ExportFormat.SAFETENSORS ? "safetensors" : "pth";
    }
}
