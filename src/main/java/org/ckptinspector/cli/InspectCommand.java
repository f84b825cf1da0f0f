package org.ckptinspector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.ckptinspector.adapter.AdapterSummary;
import org.ckptinspector.diff.ConfigCheck;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
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

/** {@code inspect FILE... | DIR [--json] [--hash]}: the tensors, globals and values of checkpoints. */
final class InspectCommand implements Callable<Integer> {
    private final PositionalParamSpec filesArg = CommandModel.positionals(Path.class, "FILE",
            "checkpoint files, shard indexes or checkpoint folders, or folders to search for them");
    private final OptionSpec jsonOption = CommandModel.flag("--json", "print one JSON object (see the CLI contract); "
            + "for many files, one JSON line per file");
    private final OptionSpec hashOption = CommandModel.flag("--hash", "add the SHA-256 of every tensor's values");
    final CommandSpec spec = CommandModel.command(this, "inspect", "List the tensors, globals and values of a "
            + "checkpoint.").addPositional(filesArg).addOption(jsonOption).addOption(hashOption);

    private boolean json;
    private boolean hash;

    @Override
    public Integer call() throws Exception {
        json = jsonOption.getValue();
        hash = hashOption.getValue();
        List<Path> files = filesArg.getValue();
        CheckpointBatch batch = CheckpointBatch.of(files);
        boolean lines = batch.isMany();
        return batch.runPrinting((file, out, err) -> inspect(file, out, lines), json && lines,
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private int inspect(Path file, PrintWriter out, boolean lines) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            if (json && lines) {
                JsonOutput.line(out, json -> InspectReport.write(c, hash, json));
                return Cli.OK;
            }
            if (json) {
                JsonOutput.print(out, json -> InspectReport.write(c, hash, json));
                return Cli.OK;
            }
            out.printf("%s  (%s, %d tensors)%n", c.file(), c.format().id(), c.tensors().size());
            int width = c.tensors().stream().mapToInt(t -> t.key().length()).max().orElse(3);
            width = Math.min(Math.max(width, 3), 80);
            out.printf("%-" + width + "s  %-14s  %-20s  %12s  %s%n", "key", "dtype", "shape", "numel", "storage");
            long params = 0;
            TrainingState training = TrainingState.of(c);
            for (TensorRef t : c.tensors()) {
                params += t.numel();
                String role = training.role(t).map(r -> "  [" + (r.param() == null ? "?" : r.param()) + " "
                        + r.state() + "]").orElse("");
                out.printf("%-" + width + "s  %-14s  %-20s  %12d  %s%s%s%n", t.key(), t.dtype().torchName(),
                        Arrays.toString(t.shape()), t.numel(), t.storage() == null ? "-" : t.storage().key(),
                        hash && t.hasValues() ? "  " + org.ckptinspector.values.TensorHash.sha256(t) : "", role);
            }
            out.printf("%d tensors, %d elements%n", c.tensors().size(), params);
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
}
