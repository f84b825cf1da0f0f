package org.ckptinspector.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ckptinspector.report.ScanSarif;
import org.ckptinspector.security.CheckpointScanner;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.ScanFinding;
import org.ckptinspector.security.ScanReport;
import org.ckptinspector.task.TaskMonitor;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code scan FILE... | DIR [--json | --sarif]}: every global the files' pickles name, classified safe, unknown or
 * dangerous. Exit 0 when all are safe, 1 when any is unknown or dangerous, 2 when a file cannot be scanned
 * completely and nothing dangerous was found in it before the failure; over many files, the worst of these.
 */
final class ScanCommand implements Callable<Integer> {
    private final PositionalParamSpec filesArg = CommandModel.positionals(Path.class, "FILE",
            "checkpoint files, shard indexes or checkpoint folders, or folders to search for them");
    private final OptionSpec jsonOption = CommandModel.flag("--json", "one JSON object for one file; for many, one "
            + "JSON line per file and a summary line (see the CLI contract)");
    private final OptionSpec sarifOption = CommandModel.flag("--sarif",
            "print a SARIF 2.1.0 log of the findings, for CI code scanning");
    final CommandSpec spec = CommandModel.command(this, "scan", "List the globals a checkpoint's pickles name and "
            + "flag the unsafe ones (nothing in the file is run). Folders are searched recursively; files are "
            + "scanned in parallel.").addPositional(filesArg).addOption(jsonOption).addOption(sarifOption);

    private boolean json;

    /** One file's outcome: its report, or why it could not be scanned completely. */
    private record FileScan(Path file, ScanReport report, List<String> errors) {
        static FileScan of(Path file) {
            try {
                ScanReport r = CheckpointScanner.scan(file, TaskMonitor.NONE);
                return new FileScan(file, r, unreadable(r) ? named(file, r.errors()) : List.of());
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                String message = CheckpointBatch.failure(file, e);
                return new FileScan(file, null, List.of(message.substring("error: ".length())));
            }
        }

        /** Over many files, every message names its file. */
        private static List<String> named(Path file, List<String> messages) {
            return messages.stream().map(m -> m.contains(file.toString()) ? m : file + ": " + m).toList();
        }

        /** An incomplete scan counts as a finding when it found something dangerous before it stopped. */
        private static boolean unreadable(ScanReport r) {
            return !r.isComplete() && r.verdict() != GlobalClass.DANGEROUS;
        }

        boolean isUnreadable() {
            return !errors.isEmpty();
        }

        /** The summary's and the JSON line's verdict: a class, or {@code error}. */
        String verdict() {
            return isUnreadable() ? "error" : report.verdict().id();
        }

        int exitCode() {
            return isUnreadable() ? Cli.ERROR : report.verdict() == GlobalClass.SAFE ? Cli.OK : Cli.FINDING;
        }
    }

    /** Files per verdict, and the exit code of the whole run. */
    private static final class Summary {
        final String[] verdicts = {"safe", "unknown", "dangerous", "error"};
        final long[] counts = new long[verdicts.length];
        int exitCode = Cli.OK;

        void add(FileScan s) {
            counts[List.of(verdicts).indexOf(s.verdict())]++;
            exitCode = Math.max(exitCode, s.exitCode());
        }

        long files() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }

        String text() {
            return files() + (files() == 1 ? " file" : " files") + " scanned: " + counts[0] + " safe, " + counts[1]
                    + " unknown, " + counts[2] + " dangerous, " + counts[3] + " unreadable";
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Path> files = filesArg.getValue();
        json = jsonOption.getValue();
        boolean sarif = sarifOption.getValue();
        if (json && sarif) {
            throw new ParameterException(spec.commandLine(), "--json and --sarif cannot be combined");
        }
        CheckpointBatch batch = CheckpointBatch.of(files);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (sarif) {
            return sarif(batch, out, err);
        }
        if (!batch.isMany()) {
            return scanOne(batch.files().get(0), out, err);
        }
        Summary summary = new Summary();
        batch.run(FileScan::of, s -> {
            summary.add(s);
            if (json) {
                try {
                    JsonOutput.line(out, g -> jsonLine(s, g));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            } else if (!s.isUnreadable()) {
                printText(out, s.report());
                out.flush();
            }
            printDiagnostics(err, s);
        });
        if (json) {
            JsonOutput.line(out, g -> {
                g.writeStartObject();
                g.writeObjectFieldStart("summary");
                g.writeNumberField("files", summary.files());
                for (int i = 0; i < summary.verdicts.length; i++) {
                    g.writeNumberField(summary.verdicts[i], summary.counts[i]);
                }
                g.writeNumberField("exit_code", summary.exitCode);
                g.writeEndObject();
                g.writeEndObject();
            });
        } else {
            out.println(summary.text());
        }
        out.flush();
        return summary.exitCode;
    }

    /** One file, as scan always printed it. */
    private int scanOne(Path file, PrintWriter out, PrintWriter err) throws Exception {
        ScanReport report = CheckpointScanner.scan(file, TaskMonitor.NONE);
        if (!report.isComplete() && report.verdict() != GlobalClass.DANGEROUS) {
            err.println("error: " + report.errors().get(0));
            if (report.errors().size() > 1) {
                err.println("(" + (report.errors().size() - 1) + " more problems; the scan is incomplete)");
            }
            return Cli.ERROR;
        }
        if (json) {
            JsonOutput.print(out, g -> write(report, g));
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

    private int sarif(CheckpointBatch batch, PrintWriter out, PrintWriter err) throws IOException {
        Summary summary = new Summary();
        try (JsonGenerator json = JsonOutput.pretty(out)) {
            ScanSarif log = new ScanSarif(json, Cli.VERSION);
            batch.run(FileScan::of, s -> {
                summary.add(s);
                try {
                    if (s.report() != null) {
                        log.add(s.report());
                    } else {
                        log.addUnreadable(s.file(), s.errors().get(0));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                printDiagnostics(err, s);
            });
            log.finish();
        }
        out.println();
        out.flush();
        err.println(summary.text());
        return summary.exitCode;
    }

    private static void printDiagnostics(PrintWriter err, FileScan s) {
        if (s.isUnreadable()) {
            err.println("error: " + s.errors().get(0));
            if (s.errors().size() > 1) {
                err.println("(" + (s.errors().size() - 1) + " more problems; the scan is incomplete)");
            }
            return;
        }
        for (String e : s.report().errors()) {
            err.println("warning: incomplete scan: " + e);
        }
        for (String w : s.report().warnings()) {
            err.println("warning: " + w);
        }
        err.flush();
    }

    /** One file's JSON line: its report, with the errors of an incomplete scan; or {file, verdict: error, error}. */
    private static void jsonLine(FileScan s, JsonGenerator json) throws IOException {
        json.writeStartObject();
        if (s.isUnreadable()) {
            json.writeStringField("file", s.file().toString());
            json.writeStringField("verdict", "error");
            json.writeStringField("error", s.errors().get(0));
        } else {
            fields(s.report(), json);
            if (!s.report().isComplete()) {
                json.writeArrayFieldStart("errors");
                for (String e : s.report().errors()) {
                    json.writeString(e);
                }
                json.writeEndArray();
            }
        }
        json.writeEndObject();
    }

    /** The scan's document: {file, verdict, globals: [{name, class, record, offset}]}. */
    static void write(ScanReport report, JsonGenerator json) throws IOException {
        json.writeStartObject();
        fields(report, json);
        json.writeEndObject();
    }

    private static void fields(ScanReport report, JsonGenerator json) throws IOException {
        json.writeStringField("file", report.file().toString());
        json.writeStringField("verdict", report.verdict().id());
        json.writeArrayFieldStart("globals");
        for (ScanFinding f : report.globals()) {
            json.writeStartObject();
            json.writeStringField("name", f.name());
            json.writeStringField("class", f.globalClass().id());
            json.writeStringField("record", f.global().record());
            json.writeNumberField("offset", f.global().offset());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void printText(PrintWriter out, ScanReport report) {
        out.println(report.file() + ": " + report.verdict().id().toUpperCase(java.util.Locale.ROOT));
        int width = report.globals().stream().mapToInt(f -> f.name().length()).max().orElse(4);
        width = Math.min(Math.max(width, 4), 60);
        long[] counts = new long[GlobalClass.values().length];
        for (ScanFinding f : report.globals()) {
            counts[f.globalClass().ordinal()]++;
            out.println("  " + Columns.left(f.globalClass().id(), 9) + "  " + Columns.left(f.name(), width) + "  "
                    + f.global().record() + ", offset " + f.global().offset());
        }
        out.println((report.globals().size() + report.unlisted()) + " globals: "
                + counts[GlobalClass.DANGEROUS.ordinal()] + " dangerous, " + counts[GlobalClass.UNKNOWN.ordinal()]
                + " unknown, " + counts[GlobalClass.SAFE.ordinal()] + " safe"
                + (report.unlisted() > 0 ? " (listed ones only)" : ""));
        if (report.verdict() != GlobalClass.SAFE) {
            out.println("Nothing was executed. Loading this file with torch.load(weights_only=False) or pickle "
                    + "would run or import what is listed as " + (report.verdict() == GlobalClass.DANGEROUS
                    ? "dangerous." : "unknown."));
        }
    }
}
