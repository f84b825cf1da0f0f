package org.ckptinspector.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ckptinspector.security.CheckpointScanner;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.ScanFinding;
import org.ckptinspector.security.ScanReport;
import org.ckptinspector.task.TaskMonitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scan FILE [--json]}: every global the file's pickles name, classified safe, unknown or dangerous. Exit 0
 * when all are safe, 1 when any is unknown or dangerous, 2 when the file cannot be scanned completely and nothing
 * dangerous was found before the failure.
 */
@Command(name = "scan", description = "List the globals a checkpoint's pickles name and flag the unsafe ones "
        + "(nothing in the file is run).")
final class ScanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "checkpoint file, shard index or checkpoint folder")
    Path file;

    @Option(names = "--json", description = "print one JSON object (see the CLI contract)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ScanReport report = CheckpointScanner.scan(file, TaskMonitor.NONE);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!report.isComplete() && report.verdict() != GlobalClass.DANGEROUS) {
            err.println("error: " + report.errors().get(0));
            if (report.errors().size() > 1) {
                err.println("(" + (report.errors().size() - 1) + " more problems; the scan is incomplete)");
            }
            return Cli.ERROR;
        }
        if (json) {
            JsonOutput.print(out, toJson(report));
        } else {
            printText(out, report);
        }
        for (String e : report.errors()) {
            err.println("warning: incomplete scan: " + e);
        }
        for (String w : report.warnings()) {
            err.println("warning: " + w);
        }
        return report.verdict() == GlobalClass.SAFE ? Cli.OK : Cli.FINDING;
    }

    static ObjectNode toJson(ScanReport report) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("file", report.file().toString());
        root.put("verdict", report.verdict().id());
        ArrayNode globals = root.putArray("globals");
        for (ScanFinding f : report.globals()) {
            ObjectNode g = globals.addObject();
            g.put("name", f.name());
            g.put("class", f.globalClass().id());
            g.put("record", f.global().record());
            g.put("offset", f.global().offset());
        }
        return root;
    }

    private static void printText(PrintWriter out, ScanReport report) {
        out.printf("%s: %s%n", report.file(), report.verdict().id().toUpperCase(java.util.Locale.ROOT));
        int width = report.globals().stream().mapToInt(f -> f.name().length()).max().orElse(4);
        width = Math.min(Math.max(width, 4), 60);
        long[] counts = new long[GlobalClass.values().length];
        for (ScanFinding f : report.globals()) {
            counts[f.globalClass().ordinal()]++;
            out.printf("  %-9s  %-" + width + "s  %s, offset %d%n", f.globalClass().id(), f.name(),
                    f.global().record(), f.global().offset());
        }
        out.printf("%d globals: %d dangerous, %d unknown, %d safe%s%n", report.globals().size() + report.unlisted(),
                counts[GlobalClass.DANGEROUS.ordinal()], counts[GlobalClass.UNKNOWN.ordinal()],
                counts[GlobalClass.SAFE.ordinal()], report.unlisted() > 0 ? " (listed ones only)" : "");
        if (report.verdict() != GlobalClass.SAFE) {
            out.println("Nothing was executed. Loading this file with torch.load(weights_only=False) or pickle "
                    + "would run or import what is listed as " + (report.verdict() == GlobalClass.DANGEROUS
                    ? "dangerous." : "unknown."));
        }
    }
}
