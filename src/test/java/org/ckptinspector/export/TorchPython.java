package org.ckptinspector.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real torch interpreters the round-trip tests run: torch 1.13 ({@code TORCH113_PYTHON}, else
 * {@code /usr/bin/python3}) and torch 2.x ({@code TORCH213_PYTHON}, else {@code /opt/torch213/bin/python}).
 * A missing interpreter, or one that cannot import torch, fails the test with a message saying how to get it:
 * the round trip is the point of these tests, so it is never skipped.
 */
public final class TorchPython {
    static final Path CHECK_SCRIPT = Path.of("src/test/python/check_export.py");

    final String label;
    final Path executable;

    private TorchPython(String label, Path executable) {
        this.label = label;
        this.executable = executable;
    }

    public static TorchPython torch113() {
        return find("torch 1.13", "TORCH113_PYTHON", "/usr/bin/python3");
    }

    public static TorchPython torch213() {
        return find("torch 2.13", "TORCH213_PYTHON", "/opt/torch213/bin/python");
    }

    private static TorchPython find(String label, String env, String fallback) {
        String configured = System.getenv(env);
        Path exe = Path.of(configured == null || configured.isBlank() ? fallback : configured);
        if (!Files.isExecutable(exe)) {
            throw new AssertionError(label + ": no Python at " + exe + " (set " + env + "; .ci/run installs "
                    + "Debian's python3-torch and a torch 2.13 venv at /opt/torch213)");
        }
        return new TorchPython(label, exe);
    }

    /** Runs {@code script} with {@code args} and returns the JSON it prints. */
    public JsonNode runJson(Path script, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), script.toAbsolutePath().toString()));
        cmd.addAll(args);
        Path stdout = Files.createTempFile("torch-", ".json");
        Path stderr = Files.createTempFile("torch-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                    .start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(label + ": " + script + " did not finish within 10 minutes");
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || out.isBlank()) {
                throw new AssertionError(label + " (" + executable + ") failed to run " + script + ", exit "
                        + p.exitValue() + ":\n" + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return new ObjectMapper().readTree(out);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The label ("torch 1.13") for messages. */
    public String label() {
        return label;
    }

    /** Runs check_export.py on a job list and returns its JSON report. */
    JsonNode check(Path jobs, Path fixtures) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), CHECK_SCRIPT.toAbsolutePath().toString(),
                jobs.toString(), fixtures.toAbsolutePath().toString()));
        Path stdout = Files.createTempFile(jobs.getParent(), "check-", ".json");
        Path stderr = Files.createTempFile(jobs.getParent(), "check-", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(label + ": check_export.py did not finish within 15 minutes");
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || out.isBlank()) {
            throw new AssertionError(label + " (" + executable + ") failed to run check_export.py, exit "
                    + p.exitValue() + ":\n" + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return new ObjectMapper().readTree(out);
    }
}
