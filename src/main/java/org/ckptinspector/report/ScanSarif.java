package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.ScanFinding;
import org.ckptinspector.security.ScanReport;

/**
 * The scan of many files as one SARIF 2.1.0 log, for CI code scanning: one run, one result per unknown or
 * dangerous global (its file as the artifact, its record and offset in the message and properties), one result
 * per file that could not be scanned completely. Rule ids follow the verdict classes. Written as a stream, file
 * by file, so a model zoo's log never has to exist as a tree.
 */
public final class ScanSarif {
    /** A SARIF rule: one per verdict class that makes a finding. */
    private enum Rule {
        DANGEROUS("dangerous-global", "DangerousGlobal", "error", "9.8",
                "A pickle names a global that can run code or reach files, processes or the network.",
                "torch.load(weights_only=False), pickle.load and loaders built on them import and call this "
                        + "global. Do not load the file outside a sandbox; load only its tensors with "
                        + "torch.load(weights_only=True) or convert it to safetensors."),
        UNKNOWN("unknown-global", "UnknownGlobal", "warning", "5.0",
                "A pickle names a global outside torch's weights_only allow-list.",
                "torch.load(weights_only=True) refuses the file; with weights_only=False the global is imported "
                        + "and may run code of the module that defines it (a model class, numpy, argparse)."),
        INCOMPLETE("incomplete-scan", "IncompleteScan", "error", "7.0",
                "The file could not be scanned completely, so nothing is known to be safe about it.",
                "The file is corrupt, truncated, beyond a resource limit or no checkpoint; the message names the "
                        + "reason. Whatever was found before the problem is reported too.");

        final String id;
        final String name;
        final String level;
        final String severity;
        final String description;
        final String help;

        Rule(String id, String name, String level, String severity, String description, String help) {
            this.id = id;
            this.name = name;
            this.level = level;
            this.severity = severity;
            this.description = description;
            this.help = help;
        }
    }

    private final JsonGenerator json;

    /** Starts the log: the tool, its rules, and the results array that {@link #add} fills. */
    public ScanSarif(JsonGenerator json, String toolVersion) throws IOException {
        this.json = json;
        json.writeStartObject();
        json.writeStringField("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.writeStringField("version", "2.1.0");
        json.writeArrayFieldStart("runs");
        json.writeStartObject();
        json.writeObjectFieldStart("tool");
        json.writeObjectFieldStart("driver");
        json.writeStringField("name", "checkpoint-inspector");
        json.writeStringField("semanticVersion", toolVersion);
        json.writeArrayFieldStart("rules");
        for (Rule r : Rule.values()) {
            json.writeStartObject();
            json.writeStringField("id", r.id);
            json.writeStringField("name", r.name);
            text(json, "shortDescription", r.description);
            text(json, "help", r.help);
            json.writeObjectFieldStart("defaultConfiguration");
            json.writeStringField("level", r.level);
            json.writeEndObject();
            json.writeObjectFieldStart("properties");
            json.writeArrayFieldStart("tags");
            json.writeString("security");
            json.writeEndArray();
            json.writeStringField("security-severity", r.severity);
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
        json.writeArrayFieldStart("results");
    }

    /** The results of one file's scan: its unknown and dangerous globals, and its errors if incomplete. */
    public void add(ScanReport report) throws IOException {
        for (ScanFinding f : report.globals()) {
            if (f.globalClass() == GlobalClass.SAFE) {
                continue;
            }
            Rule rule = f.globalClass() == GlobalClass.DANGEROUS ? Rule.DANGEROUS : Rule.UNKNOWN;
            String message = String.format("%s names %s (%s): %s", where(f), f.name(), f.globalClass().id(),
                    rule.description);
            json.writeStartObject();
            head(rule, message, report.file());
            json.writeObjectFieldStart("properties");
            json.writeStringField("global", f.name());
            json.writeStringField("record", f.global().record());
            json.writeNumberField("offset", f.global().offset());
            json.writeEndObject();
            json.writeEndObject();
        }
        if (report.unlisted() > 0) {
            // Every unlisted global counts in the verdict; the log says they exist.
            incomplete(report.file(), report.unlisted() + " more globals found than listed");
        }
        for (String error : report.errors()) {
            incomplete(report.file(), "incomplete scan: " + error);
        }
    }

    /** A file that could not be scanned at all. */
    public void addUnreadable(Path file, String message) throws IOException {
        incomplete(file, message);
    }

    /** Ends the results, the run and the log. */
    public void finish() throws IOException {
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndArray();
        json.writeEndObject();
    }

    private void incomplete(Path file, String message) throws IOException {
        json.writeStartObject();
        head(Rule.INCOMPLETE, message, file);
        json.writeEndObject();
    }

    private void head(Rule rule, String message, Path file) throws IOException {
        json.writeStringField("ruleId", rule.id);
        json.writeNumberField("ruleIndex", rule.ordinal());
        json.writeStringField("level", rule.level);
        text(json, "message", message);
        json.writeArrayFieldStart("locations");
        json.writeStartObject();
        json.writeObjectFieldStart("physicalLocation");
        json.writeObjectFieldStart("artifactLocation");
        json.writeStringField("uri", uri(file));
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndArray();
    }

    private static String where(ScanFinding f) {
        return f.global().record() + " at offset " + f.global().offset();
    }

    private static void text(JsonGenerator json, String field, String text) throws IOException {
        json.writeObjectFieldStart(field);
        json.writeStringField("text", text);
        json.writeEndObject();
    }

    /**
     * The file as a URI reference: relative paths stay relative (code scanning resolves them against the
     * checkout), with forward slashes and percent-encoding; absolute paths become {@code file:} URIs.
     */
    static String uri(Path file) {
        if (file.isAbsolute()) {
            return file.toUri().toASCIIString();
        }
        String path = file.toString().replace(file.getFileSystem().getSeparator(), "/");
        int colon = path.indexOf(':');
        if (colon >= 0 && (path.indexOf('/') < 0 || colon < path.indexOf('/'))) {
            path = "./" + path; // else the first segment would read as a URI scheme
        }
        try {
            return new URI(null, null, path, null).toASCIIString();
        } catch (URISyntaxException e) {
            return file.toUri().toASCIIString();
        }
    }
}
