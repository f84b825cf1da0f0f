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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code diff A B [--json] [--align-prefixes] [--rename FROM=TO]...}: compare two checkpoints. */
final class DiffCommand implements Callable<Integer> {
    private final PositionalParamSpec aArg = CommandModel.positional(0, Path.class, "A", "the checkpoint");
    private final PositionalParamSpec bArg = CommandModel.positional(1, Path.class, "B",
            "the checkpoint with the target model's state_dict");
    private final OptionSpec jsonOption = CommandModel.flag("--json", "print one JSON object (see the CLI contract)");
    private final OptionSpec alignOption = CommandModel.flag("--align-prefixes", "line keys up across wrapper "
            + "prefixes (module., _orig_mod., model.) and the state_dict of a nested checkpoint");
    private final OptionSpec renameOption = CommandModel.texts("--rename", "FROM=TO", "rename A's keys: FROM is a "
            + "regex found anywhere in the key unless anchored, TO its replacement ($1 for groups); repeatable");
    final CommandSpec spec = CommandModel.command(this, "diff", "Compare two checkpoints and dry-run load_state_dict "
            + "with A as the checkpoint and B as the model's state_dict.",
            "With a PEFT adapter folder as B: which of A's tensors the adapter changes, and by how much.",
            "Exit code 0: identical; 1: they differ; 2: unreadable input or bad usage.")
            .addPositional(aArg).addPositional(bArg).addOption(jsonOption).addOption(alignOption)
            .addOption(renameOption);

    @Override
    public Integer call() throws Exception {
        Path a = aArg.getValue();
        Path b = bArg.getValue();
        boolean json = jsonOption.getValue();
        boolean alignPrefixes = alignOption.getValue();
        List<String> renames = renameOption.getValue();
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
                return adapterDiff(AdapterDiff.of(AdapterMerge.of(ca, cb), TaskMonitor.NONE), json);
            }
            result = CheckpointDiff.compare(ca, cb, options, TaskMonitor.NONE);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Cli.ERROR;
        }
        var out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, g -> DiffReport.write(result, g));
        } else {
            out.print(DiffReport.toText(result));
            out.flush();
        }
        return result.isIdentical() ? Cli.OK : Cli.FINDING;
    }

    /** {@code diff BASE ADAPTER}: the base tensors the adapter changes, and by how much. */
    private int adapterDiff(AdapterDiff d, boolean json) throws java.io.IOException {
        var out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, g -> AdapterReport.write(d, g));
        } else {
            out.print(AdapterReport.toText(d));
            out.flush();
        }
        return d.changed().isEmpty() && d.merge().problems().isEmpty() ? Cli.OK : Cli.FINDING;
    }
}
