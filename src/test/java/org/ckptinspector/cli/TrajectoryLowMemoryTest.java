package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trajectory} streams: a run written by torch 2.13 (bench/make_run.py) whose every tensor is larger than
 * the heap and whose files together are nine times it is read in a 64 MiB JVM, as are its first two files in the
 * same heap, and the figures equal torch's float64 ones (bench/trajectory_torch_baseline.py). Neither the
 * number of files nor their size decides the heap the run needs.
 */
class TrajectoryLowMemoryTest {
    private static final String HEAP = "64m";
    private static final long HEAP_BYTES = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void aRunNineTimesTheHeapWithTensorsLargerThanItIsReadInA64MegabyteJvm() throws Exception {
        Path run = dir.resolve("run");
        // two float32 tensors of 72 MB per file (one frozen), four files
        python(Path.of("bench/make_run.py"), run.toString(), "--steps", "4", "--mb", "144", "--tensors", "2",
                "--frozen", "1");
        List<Path> files;
        try (Stream<Path> s = Files.list(run)) {
            files = s.sorted((a, b) -> Long.compare(step(a), step(b))).toList();
        }
        assertEquals(4, files.size());
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        assertTrue(total > 8 * HEAP_BYTES, "the run is " + total + " bytes");

        String small = trajectoryInSmallJvm(files.subList(0, 2), dir.resolve("two.json"));
        String large = trajectoryInSmallJvm(files, dir.resolve("four.json"));
        List<String> args = new ArrayList<>(List.of(dir.resolve("four.json").toString()));
        files.forEach(f -> args.add(f.toString()));
        String torch = python(Path.of("bench/trajectory_torch_baseline.py"), args.toArray(String[]::new));
        String report = torch.strip() + "\n2 files: " + small + "\n4 files: " + large;
        assertTrue(torch.contains("agree=yes"), report);
        System.out.println(report);
    }

    private static long step(Path f) {
        String n = f.getFileName().toString();
        return Long.parseLong(n.substring("step_".length(), n.length() - ".pt".length()));
    }

    /** Runs {@code trajectory --json} in a JVM with a 64 MiB heap; returns its report line (exit code, peak heap). */
    private static String trajectoryInSmallJvm(List<Path> files, Path json) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + HEAP, "-cp", System.getProperty("java.class.path"),
                TrajectoryLowMemoryTest.class.getName(), json.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("EXIT 0 "), files.size() + " files in -Xmx" + HEAP + ": " + out);
        return out.strip();
    }

    private static String python(Path script, String... args) throws Exception {
        String configured = System.getenv("TORCH213_PYTHON");
        String exe = configured == null || configured.isBlank() ? "/opt/torch213/bin/python" : configured;
        List<String> cmd = new ArrayList<>(List.of(exe, script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), script + ": " + out);
        return out;
    }

    /** Child JVM: {@code trajectory FILE... --json} into {@code args[0]}; prints the exit code and the peak heap. */
    public static void main(String[] args) throws IOException {
        List<String> cli = new ArrayList<>(List.of("trajectory"));
        cli.addAll(List.of(args).subList(1, args.length));
        cli.add("--json");
        int code;
        try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[0])), true,
                StandardCharsets.UTF_8)) {
            code = Cli.run(cli.toArray(String[]::new), out, System.err);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("EXIT " + code + " peak heap " + (peak >> 20) + " MiB of "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }
}
