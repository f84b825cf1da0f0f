package org.ckptinspector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.ScalePartners;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.report.StatsJson;
import org.ckptinspector.stats.CheckpointStatistics;
import org.ckptinspector.stats.HealthProblem;
import org.ckptinspector.stats.HistogramScale;
import org.ckptinspector.stats.StatsOptions;
import org.ckptinspector.stats.StatsReport;
import org.ckptinspector.stats.TensorStats;
import org.ckptinspector.task.TaskMonitor;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code stats FILE... | DIR [--key KEY]... [--bins N] [--raw] [--json]}: statistics, histograms and a health
 * sweep.
 */
final class StatsCommand implements Callable<Integer> {
    private static final String BARS = " ▁▂▃▄▅▆▇█";

    private final PositionalParamSpec filesArg = CommandModel.positionals(Path.class, "FILE",
            "checkpoint files, shard indexes or checkpoint folders, or folders to search for them");
    private final OptionSpec keyOption = CommandModel.texts("--key", "KEY", "only this tensor (repeatable)");
    private final OptionSpec binsOption = OptionSpec.builder("--bins").type(int.class)
            .initialValue(StatsOptions.DEFAULT_BINS).paramLabel("N")
            .description("histogram bins (default " + StatsOptions.DEFAULT_BINS + ")").build();
    private final OptionSpec logBinsOption = CommandModel.flag("--log-bins",
            "space the bins evenly in log |x| (zeros left out)");
    private final OptionSpec rawOption = CommandModel.flag("--raw", "statistics of the stored codes of scaled float8 "
            + "weights, without their scales");
    private final OptionSpec jsonOption = CommandModel.flag("--json", "print one JSON object (see the CLI contract); "
            + "for many files, one JSON line per file");
    final CommandSpec spec = CommandModel.command(this, "stats", "Statistics, histograms and a health check of a "
            + "checkpoint's tensors.").addPositional(filesArg).addOption(keyOption).addOption(binsOption)
            .addOption(logBinsOption).addOption(rawOption).addOption(jsonOption);

    private List<String> keys;
    private boolean json;
    private boolean raw;

    @Override
    public Integer call() throws Exception {
        List<Path> files = filesArg.getValue();
        keys = keyOption.getValue();
        int bins = binsOption.getValue();
        boolean logBins = logBinsOption.getValue();
        json = jsonOption.getValue();
        raw = rawOption.getValue();
        if (bins < 1 || bins > StatsOptions.MAX_BINS) {
            throw new ParameterException(spec.commandLine(),
                    "--bins must be between 1 and " + StatsOptions.MAX_BINS + ", not " + bins);
        }
        StatsOptions options = StatsOptions.DEFAULT.withBins(bins)
                .withScale(logBins ? HistogramScale.LOG_ABS : HistogramScale.LINEAR);
        CheckpointBatch batch = CheckpointBatch.of(files);
        boolean lines = batch.isMany();
        return batch.runPrinting((file, out, err) -> stats(file, options, out, err, lines), json && lines,
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private int stats(Path file, StatsOptions options, PrintWriter out, PrintWriter err, boolean lines)
            throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            List<TensorRef> selected = new ArrayList<>();
            for (String key : new LinkedHashSet<>(keys)) {
                Optional<TensorRef> t = c.tensor(key);
                if (t.isEmpty()) {
                    err.println("error: " + file + ": no tensor named '" + key + "' (its "
                            + c.tensors().size() + " keys are listed by 'inspect')");
                    return Cli.ERROR;
                }
                selected.add(t.get());
            }
            List<TensorRef> tensors = keys.isEmpty() ? c.tensors() : selected;
            if (raw) {
                tensors = tensors.stream().map(ScalePartners::rawCodes).toList();
            }
            StatsReport report = CheckpointStatistics.compute(tensors, options, TaskMonitor.NONE);
            if (json && lines) {
                JsonOutput.line(out, json -> StatsJson.write(file, report, json));
            } else if (json) {
                JsonOutput.print(out, json -> StatsJson.write(file, report, json));
            } else {
                printText(out, c, report, !keys.isEmpty());
            }
            return Cli.OK;
        }
    }

    private void printText(PrintWriter out, Checkpoint c, StatsReport report, boolean detailed) {
        out.printf("%s  (%s, %d tensors)%n", c.file(), c.format().id(), report.tensors().size());
        int width = report.tensors().stream().mapToInt(t -> t.key().length()).max().orElse(3);
        width = Math.min(Math.max(width, 3), 60);
        String row = "%-" + width + "s  %-16s %12s %12s %12s %12s %12s %8s %8s %10s%n";
        out.printf(row, "key", "dtype", "count", "min", "max", "mean", "std", "nan", "inf", "zeros");
        for (TensorStats s : report.tensors()) {
            if (!s.isRead()) {
                out.printf("%-" + width + "s  %-16s %12d  not read: %s%n", s.key(), s.dtype().torchName(), s.count(),
                        s.note());
                continue;
            }
            out.printf(row, s.key(), s.dtype().torchName(), s.count(), num(s.min()), num(s.max()), num(s.mean()),
                    num(s.std()), s.nan(), s.posInf() + s.negInf(), s.zeros());
            if (detailed && s.histogram() != null) {
                out.printf("    l2 %s   p1 %s  p50 %s  p99 %s%s%n", num(s.l2()), num(s.quantiles().p1()),
                        num(s.quantiles().p50()), num(s.quantiles().p99()), s.quantiles().exact() ? "" : " (approx.)");
                out.printf("    %s |%s| %s%n", num(s.histogram().edges()[0]), sparkline(s.histogram().counts()),
                        num(s.histogram().edges()[s.histogram().bins()]));
            }
        }
        if (report.health().isEmpty()) {
            out.println("health: no NaN/Inf, all-zero or extreme tensors");
        } else {
            out.println("health:");
            for (HealthProblem p : report.health()) {
                out.printf("  %s: %s%n", p.key(), p.problem());
            }
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.6g", v);
    }

    /** The histogram in at most 60 columns of block characters. */
    private static String sparkline(long[] counts) {
        int columns = Math.min(60, counts.length);
        long[] merged = new long[columns];
        for (int i = 0; i < counts.length; i++) {
            merged[(int) ((long) i * columns / counts.length)] += counts[i];
        }
        long max = 1;
        for (long m : merged) {
            max = Math.max(max, m);
        }
        StringBuilder sb = new StringBuilder();
        for (long m : merged) {
            int level = m == 0 ? 0 : 1 + (int) ((BARS.length() - 2) * m / max);
            sb.append(BARS.charAt(Math.min(level, BARS.length() - 1)));
        }
        return sb.toString();
    }
}
