package org.ckptinspector.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportPlanner;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.ExportResult;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.Selection;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.RenameRule;

/**
 * The export dialog's state: the chosen keys (fixed), rename rules with the live preview, format, dtype,
 * verification and the output file; then the run (editing → running → finished) and how its outcome is worded.
 * Single-threaded: call it on the window's thread; the work runs through the {@link TaskRunner}.
 */
public final class ExportModel {
    /** Where the export stands. */
    public enum Phase { EDITING, RUNNING, WRITTEN, FAILED, CANCELLED }

    private final Checkpoint source;
    private final List<String> keys;
    private final TaskRunner runner;
    private final List<RenameDraft> rules = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private ExportFormat format = ExportFormat.PTH;
    private DType dtype;
    private boolean verify = true;
    private Path output;
    private Phase phase = Phase.EDITING;
    private String outcome = "";
    private ExportResult result;
    private TaskRunner.Handle running;

    public ExportModel(Checkpoint source, List<String> keys, TaskRunner runner) {
        this.source = source;
        this.keys = List.copyOf(keys);
        this.runner = runner;
        this.output = defaultOutput(source.file(), ExportFormat.PTH);
    }

    /** Calls {@code r} after every change, on the window's thread. */
    public void addListener(Runnable r) {
        listeners.add(r);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    public List<String> keys() {
        return keys;
    }

    public Path sourceFile() {
        return source.file();
    }

    /** "Export 3 tensors". */
    public String title() {
        return "Export " + keys.size() + (keys.size() == 1 ? " tensor" : " tensors");
    }

    public List<RenameDraft> rules() {
        return List.copyOf(rules);
    }

    public RenameDraft addRule(String from, String to) {
        RenameDraft r = new RenameDraft(from, to);
        r.onChange(this::changed);
        rules.add(r);
        changed();
        return r;
    }

    public void removeRule(RenameDraft r) {
        if (rules.remove(r)) {
            changed();
        }
    }

    public ExportFormat format() {
        return format;
    }

    /** Sets the format; the output file's extension follows it. */
    public void setFormat(ExportFormat f) {
        if (f == null || f == format) {
            return;
        }
        format = f;
        if (output != null && ExportFormat.fromFileName(output).orElse(null) != f) {
            output = withExtension(output, f);
        }
        changed();
    }

    /** The format choices, in {@link ExportFormat} order, as the dialog words them. */
    public static List<String> formatLabels() {
        return List.of(ExportFormat.values()).stream().map(f -> f == ExportFormat.PTH
                ? ".pth  (torch.load, weights_only=True)" : ".safetensors").toList();
    }

    public int formatIndex() {
        return format.ordinal();
    }

    public void setFormatIndex(int i) {
        setFormat(ExportFormat.values()[i]);
    }

    /** The dtype to convert floating-point tensors to; null keeps every dtype. */
    public DType dtype() {
        return dtype;
    }

    public void setDtype(DType d) {
        if (d != dtype) {
            dtype = d;
            changed();
        }
    }

    /** The dtype choices: null (keep) first, then every conversion target. */
    public static List<DType> dtypeChoices() {
        List<DType> targets = new ArrayList<>();
        targets.add(null);
        ExportPlanner.conversionTargets().stream().sorted().forEach(targets::add);
        return targets;
    }

    public boolean verify() {
        return verify;
    }

    public void setVerify(boolean v) {
        if (v != verify) {
            verify = v;
            changed();
        }
    }

    public Path output() {
        return output;
    }

    /** Sets the output file; a known extension sets the format, so a typed x.safetensors writes safetensors. */
    public void setOutput(Path p) {
        if (java.util.Objects.equals(p, output)) {
            return;
        }
        output = p;
        if (p != null) {
            ExportFormat.fromFileName(p).ifPresent(f -> format = f);
        }
        changed();
    }

    /** The first invalid rule's problem, if any. */
    public Optional<String> ruleError() {
        for (RenameDraft r : rules) {
            Optional<String> e = r.error();
            if (e.isPresent()) {
                return Optional.of("Rule " + r.from() + " → " + r.to() + ": " + e.get());
            }
        }
        return Optional.empty();
    }

    /** The output keys as the rules stand (the rules must be valid). */
    public RenamePreview preview() {
        return RenamePreview.of(keys, compiledRules());
    }

    /** The preview's one-line summary ("3 keys · 2 renamed"), or empty while the rules cannot be applied. */
    public String previewSummary() {
        if (ruleError().isPresent()) {
            return "";
        }
        try {
            RenamePreview r = preview();
            long renamed = r.rows().stream().filter(x -> !x.source().equals(x.output())).count();
            return r.rows().size() + " keys  ·  " + renamed + " renamed"
                    + (r.problems() == 0 ? "" : "  ·  " + r.problems() + " problems");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Adds a rule removing the dotted prefix all keys share ({@code state_dict.model.}), if they share one. */
    public Optional<String> addStripCommonPrefix() {
        String prefix = commonPrefix(keys);
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        addRule("^" + Pattern.quote(prefix), "");
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
        if (output == null) {
            return Optional.of("Choose the output file.");
        }
        if (ExportFormat.fromFileName(output).isEmpty()) {
            return Optional.of("End the file name in ." + extension(format)
                    + " (or .safetensors, .pth, .pt, .bin, .ckpt), so that the extension says what it holds.");
        }
        return Optional.empty();
    }

    /** Whether Export can be pressed: the form is complete and nothing runs. */
    public boolean canRun() {
        return phase != Phase.RUNNING && problem().isEmpty();
    }

    /** The question to ask before writing over an existing file, or empty when the output is new. */
    public Optional<String> overwriteQuestion() {
        if (output == null || !Files.exists(output)) {
            return Optional.empty();
        }
        return Optional.of(output.getFileName() + " already exists in " + output.toAbsolutePath().getParent()
                + ". Replace it? It is replaced only once the new file is written and checked.");
    }

    public ExportRequest request() {
        return ExportRequest.of(Selection.all().withKeys(new LinkedHashSet<>(keys)), format)
                .withRenames(compiledRules()).withDtype(dtype).withVerify(verify)
                .withThreads(TaskRunner.analysisThreads());
    }

    /** Starts the export, if it can start; returns the running work, or null. */
    public TaskRunner.Handle run() {
        if (!canRun()) {
            return null;
        }
        Path out = output;
        ExportRequest request = request();
        phase = Phase.RUNNING;
        result = null;
        outcome = "";
        changed();
        TaskRunner.Handle h = runner.run("Exporting to " + out.getFileName(),
                m -> Exporter.export(source, request, out, m),
                r -> finish(Phase.WRITTEN, ExportOutcome.details(r), r),
                e -> finish(Phase.FAILED, "Nothing was written. " + ErrorMessages.of(e), null),
                () -> finish(Phase.CANCELLED, "Cancelled; nothing was written.", null));
        if (phase == Phase.RUNNING) {
            running = h;
        }
        return h;
    }

    /** Cancels a running export; returns false when none runs (then the dialog closes instead). */
    public boolean cancel() {
        if (phase != Phase.RUNNING || running == null) {
            return false;
        }
        running.cancel();
        return true;
    }

    private void finish(Phase p, String text, ExportResult r) {
        phase = p;
        outcome = text;
        result = r;
        running = null;
        changed();
    }

    public Phase phase() {
        return phase;
    }

    /** What the finished run did, a line per fact; empty before. */
    public String outcome() {
        return outcome;
    }

    /** The written export, once {@link Phase#WRITTEN}. */
    public Optional<ExportResult> result() {
        return Optional.ofNullable(result);
    }

    /** The notification's one line for a written export. */
    public Optional<String> notice() {
        return result().map(ExportOutcome::summary);
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
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return p.resolveSibling(stem + "." + extension(f));
    }

    private static String extension(ExportFormat f) {
        return f == ExportFormat.SAFETENSORS ? "safetensors" : "pth";
    }
}
