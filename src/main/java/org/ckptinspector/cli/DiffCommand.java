package org.ckptinspector.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ckptinspector.adapter.AdapterDiff;
import org.ckptinspector.adapter.AdapterMerge;
import org.ckptinspector.adapter.LoraAdapter;
import org.ckptinspector.diff.CheckpointDiff;
import org.ckptinspector.diff.DiffOptions;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.report.AdapterReport;
import org.ckptinspector.report.DiffReport;
import org.ckptinspector.task.TaskMonitor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code diff A B [--json] [--align-prefixes] [--rename FROM=TO]...}: compare two checkpoints. */
@Command(name = "diff", description = {"Compare two checkpoints and dry-run load_state_dict with A as the "
        + "checkpoint and B as the model's state_dict.",
    "With a PEFT adapter folder as B: which of A's tensors the adapter changes, and by how much.",
    "Exit code 0: identical; 1: they differ; 2: unreadable input or bad usage."})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "the checkpoint")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "the checkpoint with the target model's state_dict")
    Path b;

    @Option(names = "--json", description = "print one JSON object (see the CLI contract)")
    boolean json;

    @Option(names = "--align-prefixes", description = "line keys up across wrapper prefixes (module., "
            + "_orig_mod., model.) and the state_dict of a nested checkpoint")
    boolean alignPrefixes;

    @Option(names = "--rename", paramLabel = "FROM=TO", description = "rename A's keys: FROM is a regex found "
            + "anywhere in the key unless anchored, TO its replacement ($1 for groups); repeatable")
    List<String> renames = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<RenameRule> rules = new ArrayList<>();
        for (String r : renames) {
            try {
                rules.add(RenameRule.parse(r));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        DiffOptions options = DiffOptions.defaults().withAlignPrefixes(alignPrefixes).withRenames(rules);
        DiffResult result;
        try (Checkpoint ca = CheckpointOpener.open(a); Checkpoint cb = CheckpointOpener.open(b)) {
            if (LoraAdapter.of(cb).isPresent() && LoraAdapter.of(ca).isEmpty()) {
                return adapterDiff(AdapterDiff.of(AdapterMerge.of(ca, cb), TaskMonitor.NONE));
            }
            result = CheckpointDiff.compare(ca, cb, options, TaskMonitor.NONE);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Cli.ERROR;
        }
        var out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, json -> DiffReport.write(result, json));
        } else {
            out.print(DiffReport.toText(result));
            out.flush();
        }
        return result.isIdentical() ? Cli.OK : Cli.FINDING;
    }

    /** {@code diff BASE ADAPTER}: the base tensors the adapter changes, and by how much. */
    private int adapterDiff(AdapterDiff d) throws java.io.IOException {
        var out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, json -> AdapterReport.write(d, json));
        } else {
            out.print(AdapterReport.toText(d));
            out.flush();
        }
        return d.changed().isEmpty() && d.merge().problems().isEmpty() ? Cli.OK : Cli.FINDING;
    }
}
