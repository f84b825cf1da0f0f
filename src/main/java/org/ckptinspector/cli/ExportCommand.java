package org.ckptinspector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ckptinspector.adapter.AdapterMerge;
import org.ckptinspector.export.ExportException;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportItem;
import org.ckptinspector.export.ExportPlan;
import org.ckptinspector.export.ExportPlanner;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.ExportResult;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.Selection;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.task.TaskMonitor;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code export SRC OUT [...]}: writes chosen tensors as a weights_only-loadable .pth or a safetensors file. */
final class ExportCommand implements Callable<Integer> {
    private final PositionalParamSpec sourceArg = CommandModel.positional(0, Path.class, "SRC",
            "checkpoint file, shard index or checkpoint folder");
    private final PositionalParamSpec outputArg = CommandModel.positional(1, Path.class, "OUT",
            "output file (.pth/.pt/.bin or .safetensors)");
    private final OptionSpec keysOption = OptionSpec.builder("--keys").type(List.class).auxiliaryTypes(String.class)
            .initialValue(new ArrayList<>()).splitRegex(",").paramLabel("K").description("exact keys to export")
            .build();
    private final OptionSpec includeOption = CommandModel.texts("--include", "REGEX",
            "export keys this Java regex finds");
    private final OptionSpec excludeOption = CommandModel.texts("--exclude", "REGEX",
            "leave out keys this Java regex finds");
    private final OptionSpec rootOption = CommandModel.text("--root", "PATH",
            "export the sub-dict at this dotted key prefix (e.g. state_dict), prefix removed");
    private final OptionSpec renameOption = CommandModel.texts("--rename", "FROM=TO",
            "rewrite output keys: FROM is a Java regex, TO its replacement ($1 for groups)");
    private final OptionSpec dtypeOption = CommandModel.text("--dtype", "D",
            "convert float32/float16/bfloat16 tensors to float16, bfloat16 or float32");
    private final OptionSpec formatOption = CommandModel.text("--format", "F",
            "pth or safetensors (default: from OUT's extension)");
    private final OptionSpec noVerifyOption = CommandModel.flag("--no-verify",
            "skip re-reading the output to compare its values with the source");
    private final OptionSpec adapterOption = CommandModel.option("--merge-adapter", Path.class, "ADAPTER",
            "merge this PEFT LoRA adapter folder into SRC's weights (W + scale·B·A in float32, as peft's "
            + "merge_and_unload, then SRC's dtype)");
    /** For benchmarks: when the command started and where its time went, on stderr. */
    private final OptionSpec timingsOption = OptionSpec.builder("--timings").type(boolean.class).initialValue(false)
            .hidden(true).build();
    final CommandSpec spec = CommandModel.command(this, "export", "Write a subset of a checkpoint's tensors as .pth "
            + "(loadable with torch.load(weights_only=True)) or .safetensors.")
            .addPositional(sourceArg).addPositional(outputArg).addOption(keysOption).addOption(includeOption)
            .addOption(excludeOption).addOption(rootOption).addOption(renameOption).addOption(dtypeOption)
            .addOption(formatOption).addOption(adapterOption).addOption(noVerifyOption).addOption(timingsOption);

    private Path source;
    private Path output;
    private List<String> keys;
    private List<String> include;
    private List<String> exclude;
    private String root;
    private List<String> renames;
    private String dtype;
    private String format;
    private Path adapter;
    private boolean noVerify;
    private boolean timings;

    private void readArguments() {
        source = sourceArg.getValue();
        output = outputArg.getValue();
        keys = keysOption.getValue();
        include = includeOption.getValue();
        exclude = excludeOption.getValue();
        String r = rootOption.getValue();
        root = r == null ? "" : r;
        renames = renameOption.getValue();
        dtype = dtypeOption.getValue();
        format = formatOption.getValue();
        adapter = adapterOption.getValue();
        noVerify = noVerifyOption.getValue();
        timings = timingsOption.getValue();
    }

    @Override
    public Integer call() throws Exception {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        readArguments();
        PrintWriter out = spec.commandLine().getOut();
        ExportRequest request = ExportRequest.of(selection(), outputFormat()).withRenames(renameRules())
                .withDtype(targetDtype()).withVerify(!noVerify);
        try (Checkpoint base = CheckpointOpener.open(source);
                Checkpoint adapterFile = adapter == null ? null : CheckpointOpener.open(adapter)) {
            Checkpoint c = adapterFile == null ? base : AdapterMerge.of(base, adapterFile).mergedCheckpoint();
            long opened = System.nanoTime();
            ExportPlan plan = ExportPlanner.plan(c, request);
            long planned = System.nanoTime();
            ExportResult result = Exporter.write(plan, output, TaskMonitor.NONE);
            print(out, plan, result);
            result.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            if (timings) {
                Duration verify = result.verification() == null ? Duration.ZERO : result.verification().time();
                long comparing = result.verification() == null ? 0
                        : result.verification().whileWriting().toNanos() / Math.max(1, request.threads());
                String micros = Integer.toString(1_000_000 + startedAt.getNano() / 1000).substring(1);
                spec.commandLine().getErr().println("timings: started at " + startedAt.getEpochSecond() + "."
                        + micros + " (epoch seconds), open " + seconds(opened - start) + " s, plan "
                        + seconds(planned - opened) + " s, write " + seconds(result.writeTime().toNanos())
                        + " s (comparing " + seconds(comparing) + " s per thread), verify " + seconds(verify.toNanos())
                        + " s, command " + seconds(System.nanoTime() - start) + " s");
            }
        }
        return Cli.OK;
    }

    /** Seconds with three decimals. */
    private static String seconds(long nanos) {
        long millis = Math.round(nanos / 1e6);
        return millis / 1000 + "." + Long.toString(1000 + millis % 1000).substring(1);
    }

    private Selection selection() throws ExportException {
        Set<String> keySet = new LinkedHashSet<>();
        keys.stream().filter(k -> !k.isEmpty()).forEach(keySet::add);
        return new Selection(root, keySet, Set.of(), patterns("--include", include), patterns("--exclude", exclude));
    }

    private static List<Pattern> patterns(String option, List<String> regexes) throws ExportException {
        List<Pattern> patterns = new ArrayList<>();
        for (String r : regexes) {
            try {
                patterns.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new ExportException(option + " " + r + ": invalid regex: " + e.getDescription());
            }
        }
        return patterns;
    }

    private List<RenameRule> renameRules() throws ExportException {
        List<RenameRule> rules = new ArrayList<>();
        for (String r : renames) {
            try {
                rules.add(RenameRule.parse(r));
            } catch (IllegalArgumentException e) {
                throw new ExportException("--rename: " + e.getMessage());
            }
        }
        return rules;
    }

    private DType targetDtype() throws ExportException {
        if (dtype == null) {
            return null;
        }
        DType d = DType.fromTorchName(dtype).orElse(null);
        if (d == null || !ExportPlanner.conversionTargets().contains(d)) {
            throw new ExportException("--dtype " + dtype + ": choose float16, bfloat16 or float32");
        }
        return d;
    }

    private ExportFormat outputFormat() throws ExportException {
        if (format != null) {
            return ExportFormat.fromId(format).orElseThrow(() -> new ExportException("--format " + format + ": choose pth or safetensors"));
        }
        return ExportFormat.fromFileName(output).orElseThrow(() -> new ExportException(output
                + ": cannot tell the format from the file name; use --format pth or --format safetensors"));
    }

    private static void print(PrintWriter out, ExportPlan plan, ExportResult result) {
        int width = Math.min(80, plan.items().stream().mapToInt(i -> i.outputKey().length()).max().orElse(3));
        for (ExportItem i : plan.items()) {
            String from = i.sourceKey().equals(i.outputKey()) ? "" : "  (from " + i.sourceKey() + ")";
            String dt = i.dtype() == i.tensor().dtype() ? i.dtype().torchName()
                    : i.tensor().dtype().torchName() + " -> " + i.dtype().torchName();
            out.println("  " + Columns.left(i.outputKey(), width) + "  " + Columns.left(dt, 20) + "  "
                    + Arrays.toString(i.tensor().shape()) + from);
        }
        out.println("Wrote " + result.output() + " (" + result.format().id() + "): " + result.tensors() + " tensors, "
                + result.storages() + " " + (result.format() == ExportFormat.PTH ? "storages" : "data blocks") + ", "
                + plan.tensorBytes() + " bytes of tensor data, " + result.fileBytes() + " bytes in all");
        if (result.verification() == null) {
            out.println("Not verified (--no-verify).");
        } else {
            out.println("Verified: " + result.verification().checked()
                    + " tensors re-read from the output, byte-identical to the source.");
        }
        for (String r : result.requirements()) {
            out.println("Needs " + r + " to load.");
        }
    }
}
