package org.ckptinspector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.Callable;
import org.ckptinspector.adapter.AdapterSummary;
import org.ckptinspector.diff.ConfigCheck;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.RepeatedBlocks;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.report.AdapterReport;
import org.ckptinspector.report.InspectReport;
import org.ckptinspector.report.TrainingText;
import org.ckptinspector.training.TrainingState;
import org.ckptinspector.training.WeightsOnlyVerdict;
import org.ckptinspector.security.CheckpointGlobals;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code inspect FILE... | DIR [--json] [--hash] [--collapse]}: the tensors, globals and values of checkpoints. */
final class InspectCommand implements Callable<Integer> {
    private final PositionalParamSpec filesArg = CommandModel.positionals(Path.class, "FILE",
            "checkpoint files, shard indexes or checkpoint folders, or folders to search for them");
    private final OptionSpec jsonOption = CommandModel.flag("--json", "print one JSON object (see the CLI contract); "
            + "for many files, one JSON line per file");
    private final OptionSpec hashOption = CommandModel.flag("--hash", "add the SHA-256 of every tensor's values");
    private final OptionSpec collapseOption = CommandModel.flag("--collapse", "list repeated blocks (layers.0 … "
            + "layers.31) once, as a pattern, followed by the tensors of the blocks that differ; with --json, add "
            + "\"repeated_blocks\"");
    final CommandSpec spec = CommandModel.command(this, "inspect", "List the tensors, globals and values of a "
            + "checkpoint.").addPositional(filesArg).addOption(jsonOption).addOption(hashOption)
            .addOption(collapseOption);

    private boolean json;
    private boolean hash;

    private boolean collapse;

    @Override
    public Integer call() throws Exception {
        json = jsonOption.getValue();
        hash = hashOption.getValue();
        collapse = collapseOption.getValue();
        List<Path> files = filesArg.getValue();
        CheckpointBatch batch = CheckpointBatch.of(files);
        boolean lines = batch.isMany();
        return batch.runPrinting((file, out, err) -> inspect(file, out, lines), json && lines,
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private int inspect(Path file, PrintWriter out, boolean lines) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            if (json && lines) {
                JsonOutput.line(out, json -> InspectReport.write(c, hash, collapse, json));
                return Cli.OK;
            }
            if (json) {
                JsonOutput.print(out, json -> InspectReport.write(c, hash, collapse, json));
                return Cli.OK;
            }
            out.println(c.file() + "  (" + c.format().id() + ", " + c.tensors().size() + " tensors)");
            List<RepeatedBlocks> runs = collapse ? RepeatedBlocks.find(c.tensors()) : List.of();
            int width = c.tensors().stream().mapToInt(t -> t.key().length()).max().orElse(3);
            for (RepeatedBlocks r : runs) {
                for (RepeatedBlocks.Member m : r.template()) {
                    width = Math.max(width, r.pattern().length() + 1 + m.rest().length());
                }
            }
            width = Math.min(Math.max(width, 3), 80);
            out.println(row(width, "key", "dtype", "shape", Columns.right("numel", 12)) + "  storage");
            long params = 0;
            TrainingState training = TrainingState.of(c);
            Set<RepeatedBlocks> printed = new HashSet<>();
            for (TensorRef t : c.tensors()) {
                params += t.numel();
                RepeatedBlocks run = runs.stream().filter(r -> r.covers(t.key())).findFirst().orElse(null);
                if (run != null) {
                    if (printed.add(run)) {
                        printRun(out, width, run);
                    }
                    continue;
                }
                String role = training.role(t).map(r -> "  [" + (r.param() == null ? "?" : r.param()) + " "
                        + r.state() + "]").orElse("") + scaleNote(t);
                out.println(row(width, t.key(), t.dtype().torchName(), Arrays.toString(t.shape()),
                        Columns.right(Long.toString(t.numel()), 12)) + "  "
                        + (t.storage() == null ? "-" : t.storage().key())
                        + (hash && t.hasValues() ? "  " + org.ckptinspector.values.TensorHash.sha256(t) : "") + role);
            }
            out.println(c.tensors().size() + " tensors, " + params + " elements");
            TrainingText.training(training).forEach(out::println);
            TrainingText.values(c.metadata(), training).forEach(out::println);
            var names = CheckpointGlobals.names(c);
            TrainingText.weightsOnly(WeightsOnlyVerdict.of(c, names)).forEach(out::println);
            var unsafe = CheckpointGlobals.unsafe(names);
            if (!unsafe.isEmpty()) {
                out.println("Globals outside torch's weights_only allow-list (not executed): " + String.join(", ", unsafe));
            }
            ConfigCheck.of(c).ifPresent(check -> check.findings().forEach(f -> out.println(
                    "config.json " + f.field() + (f.ok() ? ": ok, " : ": MISMATCH, ") + f.note())));
            AdapterSummary.of(c).ifPresent(a -> AdapterReport.text(a).forEach(out::println));
            for (String w : c.warnings()) {
                out.println("warning: " + w);
            }
            for (TensorRef t : c.tensors()) {
                for (String p : t.problems()) {
                    out.println("warning: " + t.key() + ": " + p);
                }
            }
            return Cli.OK;
        }
    }

    /**
     * A run of repeated blocks: the template's tensors under the pattern ({@code layers.{0..31}.mlp.up_proj.weight},
     * numel per block, {@code × 32}), then every tensor of an odd block that differs, marked {@code ≠}.
     */
    private static void printRun(PrintWriter out, int width, RepeatedBlocks r) {
        for (RepeatedBlocks.Member m : r.template()) {
            out.println(row(width, r.pattern() + "." + m.rest(), m.dtype().torchName(), Arrays.toString(m.shape()),
                    Columns.right(Long.toString(m.numel()), 12)) + "  × " + r.count());
        }
        for (RepeatedBlocks.Difference d : r.differences()) {
            RepeatedBlocks.Member a = d.actual();
            out.println(row(width, d.key(r.prefix()), a == null ? "-" : a.dtype().torchName(),
                    a == null ? "-" : Arrays.toString(a.shape()),
                    Columns.right(a == null ? "-" : Long.toString(a.numel()), 12)) + "  ≠ " + d.describe());
        }
    }

    /** The first four columns of a table row: key, dtype, shape and the already right-justified numel. */
    private static String row(int width, String key, String dtype, String shape, String numel) {
        return Columns.left(key, width) + "  " + Columns.left(dtype, 14) + "  " + Columns.left(shape, 20) + "  " + numel;
    }

    /** {@code  [× l.weight_scale_inv, block 128×128]} for a scaled float8 weight, else empty. */
    private static String scaleNote(TensorRef t) {
        if (t.quantization() instanceof Quantization.Scaled s) {
            return "  [× " + s.scale().key() + ", " + s.layout().id() + " " + s.blockRows() + "×" + s.blockCols()
                    + "]";
        }
        return "";
    }
}
