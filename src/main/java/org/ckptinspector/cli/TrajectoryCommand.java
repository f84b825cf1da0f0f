package org.ckptinspector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ckptinspector.report.TrajectoryReport;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.trajectory.RunFiles;
import org.ckptinspector.trajectory.Trajectory;
import org.ckptinspector.trajectory.TrajectoryResult;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** {@code trajectory FILE… | DIR | GLOB [--json | --csv]}: how a run's tensors move from checkpoint to checkpoint. */
final class TrajectoryCommand implements Callable<Integer> {
    private final PositionalParamSpec inputsArg = CommandModel.positionals(String.class, "FILE|DIR|GLOB",
            "checkpoint files, a folder of them, or a glob of file names such as 'runs/epoch_*.pt' (quoted)");
    private final OptionSpec jsonOption = CommandModel.flag("--json", "print one JSON object (see the CLI contract)");
    private final OptionSpec csvOption = CommandModel.flag("--csv",
            "print one CSV table: a row per tensor or module and step");
    final CommandSpec spec = CommandModel.command(this, "trajectory", "Per tensor and module, step by step over a "
            + "run of checkpoints: norm, relative change to the previous and the first step, cosine to the last, "
            + "fraction of elements changed, max |Δ|; frozen tensors and the first NaN/Inf.",
            "Steps are ordered by global_step, step or epoch when every file has one, else by natural file-name "
            + "order.",
            "Exit code 0: done; 1: some tensor holds NaN or Inf; 2: unreadable input or bad usage.")
            .addPositional(inputsArg).addOption(jsonOption).addOption(csvOption);

    @Override
    public Integer call() throws Exception {
        List<String> inputs = inputsArg.getValue();
        boolean json = jsonOption.getValue();
        boolean csv = csvOption.getValue();
        if (json && csv) {
            throw new ParameterException(spec.commandLine(), "--json and --csv exclude each other");
        }
        List<Path> files = RunFiles.expand(inputs);
        if (files.size() < 2) {
            throw new ParameterException(spec.commandLine(), "a trajectory needs at least two checkpoint files; "
                    + String.join(" ", inputs) + " names " + files.size());
        }
        TrajectoryResult result = Trajectory.compute(files, Runtime.getRuntime().availableProcessors(),
                TaskMonitor.NONE);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, g -> TrajectoryReport.write(result, g));
        } else if (csv) {
            TrajectoryReport.csv(result, out);
            out.flush();
        } else {
            out.print(TrajectoryReport.toText(result));
            out.flush();
        }
        return result.hasNonfinite() ? Cli.FINDING : Cli.OK;
    }
}
