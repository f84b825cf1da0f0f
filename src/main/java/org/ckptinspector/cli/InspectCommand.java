package org.ckptinspector.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.ckptinspector.diff.ConfigCheck;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.report.InspectReport;
import org.ckptinspector.security.CheckpointGlobals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code inspect FILE [--json] [--hash]}: the tensors, globals and values of one checkpoint. */
@Command(name = "inspect", description = "List the tensors, globals and values of a checkpoint.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "checkpoint file, shard index or checkpoint folder")
    Path file;

    @Option(names = "--json", description = "print one JSON object (see the CLI contract)")
    boolean json;

    @Option(names = "--hash", description = "add the SHA-256 of every tensor's values")
    boolean hash;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        try (Checkpoint c = CheckpointOpener.open(file)) {
            if (json) {
                JsonOutput.print(out, json -> InspectReport.write(c, hash, json));
                return Cli.OK;
            }
            out.printf("%s  (%s, %d tensors)%n", c.file(), c.format().id(), c.tensors().size());
            int width = c.tensors().stream().mapToInt(t -> t.key().length()).max().orElse(3);
            width = Math.min(Math.max(width, 3), 80);
            out.printf("%-" + width + "s  %-14s  %-20s  %12s  %s%n", "key", "dtype", "shape", "numel", "storage");
            long params = 0;
            for (TensorRef t : c.tensors()) {
                params += t.numel();
                out.printf("%-" + width + "s  %-14s  %-20s  %12d  %s%s%n", t.key(), t.dtype().torchName(),
                        Arrays.toString(t.shape()), t.numel(), t.storage() == null ? "-" : t.storage().key(),
                        hash && t.hasValues() ? "  " + org.ckptinspector.values.TensorHash.sha256(t) : "");
            }
            out.printf("%d tensors, %d elements%n", c.tensors().size(), params);
            var unsafe = CheckpointGlobals.unsafe(CheckpointGlobals.names(c));
            if (!unsafe.isEmpty()) {
                out.println("Globals outside torch's weights_only allow-list (not executed): " + String.join(", ", unsafe));
            }
            ConfigCheck.of(c).ifPresent(check -> check.findings().forEach(f -> out.println(
                    "config.json " + f.field() + (f.ok() ? ": ok, " : ": MISMATCH, ") + f.note())));
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
