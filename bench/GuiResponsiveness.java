import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.prefs.Preferences;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import com.sun.management.GarbageCollectionNotificationInfo;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.ckptinspector.gui.MainWindow;
import org.ckptinspector.gui.export.ExportDialog;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.export.ExportFormat;

/**
 * Measures how the desktop app responds on a big checkpoint: time until the layer tree shows after open, and
 * the longest gap between two frames on the FX thread (an AnimationTimer asks for every frame, so a gap is a
 * stall the user would see) while the app starts and warms up, opens the file, computes statistics, values and
 * a heat map, compares two files, ends the comparison, opens the export dialog and exports. Goals: tree shown
 * < 1 s, longest stall < 100 ms.
 *
 * <p>A frame gap also grows when the machine is busy, so each phase's longest gap is taken apart with the
 * kernel's per-thread accounting (/proc/self/task/TID/schedstat: time on a CPU, time runnable but waiting for
 * one): how long the FX thread ran, how long it waited for a CPU, how long it was off the CPU (idle until the
 * next pulse, or blocked on the render thread, which is split the same way), how long the thread that hands
 * pulses and runLaters to the FX thread waited for a CPU, the GC pauses inside the gap, and the CPU time our
 * process and all others used in it (/proc/stat, 10 ms ticks; 2 cores give 2 × the gap). "FX ran" is the work
 * on the FX thread; "FX waited" with a machine busy with others, and GC, are noise. The idle windows (after
 * start-up and at the end) give the noise floor of the same run. Per phase also: the FX thread's CPU time,
 * the JIT compiler threads' CPU time, and the load average at the end. Each phase prints a "#result" line for
 * bench/gui_responsiveness.sh, which summarises several runs.
 *
 * <p>With {@code -Dprofile}, a sampler records the FX thread's stack every 5 ms, and each phase lists its
 * frames later than 50 ms taken apart, and what the FX thread was doing during them, by place in the code
 * ({@code -Dprofile=DIR} also writes all of the phase's samples to DIR as folded stacks).
 *
 * usage (from the project folder, with a display, e.g. under xvfb-run):
 *   java [-Dprofile] -cp target/checkpoint-inspector.jar bench/GuiResponsiveness.java BIG.pt [BIG_PERTURBED.pt]
 */
public class GuiResponsiveness {
    static final long LATE = 50_000_000L;
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    static MainWindow window;
    static long fxThreadId;
    static final Frames frames = new Frames();
    static final GcPauses gc = new GcPauses();
    static StallSampler sampler;

    public static void main(String[] args) throws Exception {
        Path a = Path.of(args[0]);
        Path b = args.length > 1 ? Path.of(args[1]) : a;
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Preferences prefs = Preferences.userRoot().node("ckpt-bench-" + UUID.randomUUID());
        fx(() -> fxThreadId = Thread.currentThread().getId());
        frames.fxTid = Sched.tid("JavaFX Applicat");
        frames.dispatcherTid = Sched.tid("InvokeLaterDisp");
        fx(frames::start);
        if (System.getProperty("profile") != null) {
            sampler = new StallSampler(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("JavaFX Application Thread")).findFirst().orElseThrow());
            sampler.start();
        }
        System.out.printf(Locale.ROOT, "file A: %s (%.2f GB)%nfile B: %s%n", a, Files.size(a) / 1e9, b);
        System.out.printf(Locale.ROOT, "%-38s %8s %9s │ %-28s │ %-17s │ %10s │ %6s │ %-18s │ %17s │ %5s%n",
                "", "", "longest", "  in that stall: FX thread", "render thread", "dispatcher", "GC",
                "CPU used (of 2×gap)", "whole phase:", "");
        System.out.printf(Locale.ROOT, "%-38s %8s %9s │ %8s %9s %9s │ %8s %8s │ %10s │ %6s │ %8s %9s │ %8s %8s │"
                + " %5s%n", "phase", "time", "FX stall", "ran", "waited", "off CPU", "ran", "waited", "waited", "pause",
                "by us", "by others", "FX CPU", "JIT CPU", "load");

        // The start screen shows while the app warms its views up, as InspectorApp does; a user takes a few
        // seconds to pick a file.
        java.util.concurrent.Future<?>[] warmUp = new java.util.concurrent.Future<?>[1];
        phase("start-up (window shown, warm-up)", () -> {
            Stage stage = new Stage();
            window = new MainWindow(stage, new Background(), new RecentFiles(prefs));
            stage.setWidth(1400);
            stage.setHeight(900);
            stage.show();
            if (System.getProperty("nowarmup") == null) {
                warmUp[0] = warmUp(window);
            }
        }, () -> warmUp[0] == null || warmUp[0].isDone());
        frames.renderTid = Sched.tid("QuantumRenderer");
        Thread.sleep(1500);
        phase("idle window (noise floor)", () -> { }, sleepy(3000));
        phase("open → tree shown", () -> window.openFile(a),
                () -> window.workspace().primary() != null && window.tree().view().getRoot() != null);
        LayerNode big = largestTensor(window.workspace().primary().tree());
        phase("statistics + histogram (" + shortKey(big) + ")", () -> window.tree().select(big),
                () -> window.scene().lookup("#histogram") != null);
        phase("values grid", () -> tabs().getSelectionModel().select(1),
                () -> window.scene().lookup("#valueGrid") != null);
        phase("heat map", () -> tabs().getSelectionModel().select(2),
                () -> window.scene().lookup("#heatMap") != null);
        phase("diff A ↔ B", () -> window.workspace().compareWith(b),
                () -> window.comparisonState().isActive() && window.background().runningCount() == 0);
        Path out = Files.createTempDirectory(a.toAbsolutePath().getParent(), "bench-export").resolve("out.safetensors");
        ExportDialog[] dialog = new ExportDialog[1];
        // Ending the comparison, opening the export dialog and starting the export are three things the user
        // does, each in a frame of its own.
        phase("comparison off (A's tree again)", () -> window.workspace().setComparison(null),
                () -> !window.comparisonState().isActive() && window.tree().view().getRoot() != null);
        phase("export dialog (8 tensors ticked)", () -> {
            List<LayerNode> tensors = tensors(window.workspace().primary().tree());
            tensors.subList(0, Math.min(8, tensors.size())).forEach(window.exportSelection()::toggle);
            dialog[0] = window.showExportDialog();
            dialog[0].model().setFormat(ExportFormat.SAFETENSORS);
            dialog[0].model().setOutput(out);
        }, () -> dialog[0] != null && dialog[0].stage().isShowing());
        phase("export + verify", () -> dialog[0].run(),
                () -> window.background().runningCount() == 0 && Files.exists(out));
        Files.deleteIfExists(out);
        Files.deleteIfExists(out.getParent());
        fx(() -> dialog[0].stage().close());
        System.out.println("-- again, now that the JVM has run each view once:");
        phase("re-open → tree shown", () -> window.openFile(b),
                () -> window.workspace().primary() != null && window.workspace().primary().file().equals(b)
                        && window.tree().view().getRoot() != null);
        List<LayerNode> all = tensors(window.workspace().primary().tree());
        LayerNode other = all.get(all.size() - 1);
        phase("statistics + histogram (" + shortKey(other) + ")", () -> window.tree().select(other),
                () -> window.scene().lookup("#histogram") != null);
        phase("values grid, again", () -> tabs().getSelectionModel().select(1),
                () -> window.scene().lookup("#valueGrid") != null);
        phase("heat map, again", () -> tabs().getSelectionModel().select(2),
                () -> window.scene().lookup("#heatMap") != null);
        phase("idle window at the end (noise floor)", () -> { }, sleepy(3000));
        if (sampler != null) {
            sampler.printReports();
        }
        prefs.removeNode();
        Platform.exit();
        System.exit(0);
    }

    /**
     * Runs {@code action} on the FX thread and waits until {@code done}, which the frame clock asks at every
     * frame (asking through runLater every few ms would itself queue up work in front of the frames). The
     * time is to the frame after the one that first saw {@code done}: the frame that shows it.
     */
    static void phase(String name, Runnable action, BooleanSupplier done) throws Exception {
        long cpu0 = THREADS.getThreadCpuTime(fxThreadId);
        long jit0 = Sched.compilerCpu();
        long t0 = System.nanoTime();
        if (Boolean.getBoolean("marks")) {
            System.out.printf(Locale.ROOT, "@%d phase start: %s%n", ManagementFactory.getRuntimeMXBean().getUptime(),
                    name);
        }
        fx(() -> {
            frames.reset(done);
            action.run();
        });
        while (frames.shownAt == 0) {
            Thread.sleep(5);
        }
        long t = frames.shownAt - t0;
        // A few more frames, so that the frames after the one that showed the result are measured too.
        long seen = frames.count;
        while (frames.count < seen + 4 && System.nanoTime() - t0 < t + 2_000_000_000L) {
            Thread.sleep(5);
        }
        Thread.sleep(250);
        long cpu = THREADS.getThreadCpuTime(fxThreadId) - cpu0;
        long jit = Sched.compilerCpu() - jit0;
        Stall s = fxValue(() -> frames.worst);
        double load = Sched.loadAverage();
        if (s == null) {
            System.out.printf(Locale.ROOT, "%-38s %5.0f ms   (no frame)%n", name, t / 1e6);
            return;
        }
        System.out.printf(Locale.ROOT, "%-38s %5.0f ms %6.0f ms │ %5.0f ms %6.0f ms %6.0f ms │ %5.0f ms %5.0f ms │"
                + " %7.0f ms │ %3.0f ms │ %5.0f ms %6.0f ms │ %5.0f ms %5.0f ms │ %5.2f%n",
                name, t / 1e6, s.gap() / 1e6, s.fx().ran() / 1e6, s.fx().waited() / 1e6, s.fxOff() / 1e6,
                s.render().ran() / 1e6, s.render().waited() / 1e6, s.dispatcher().waited() / 1e6,
                gc.pausedWithin(s.from(), s.to()) / 1e6, s.ours() / 1e6, Math.max(0, s.machine() - s.ours()) / 1e6,
                cpu / 1e6, jit / 1e6, load);
        // For the script's summary over runs (it keeps these lines out of the table).
        System.out.printf(Locale.ROOT, "#result|%s|%.0f|%.0f|%.0f|%.0f|%.2f%n", name, t / 1e6, s.gap() / 1e6,
                s.fx().ran() / 1e6, s.fx().waited() / 1e6, load);
        if (sampler != null) {
            sampler.endPhase(name, frames.lateFrames());
        }
    }

    /** Time a thread spent on a CPU and runnable but waiting for one (ns). */
    record Clock(long ran, long waited) {
        Clock minus(Clock o) {
            return new Clock(ran - o.ran, waited - o.waited);
        }
    }

    /**
     * The longest gap between two frames, with what the FX, render and dispatcher threads did in it, and the
     * CPU time our process and the whole machine used in it (10 ms ticks).
     */
    record Stall(long from, long to, Clock fx, Clock render, Clock dispatcher, long ours, long machine) {
        long gap() {
            return to - from;
        }

        long fxOff() {
            return Math.max(0, gap() - fx.ran() - fx.waited());
        }
    }

    /**
     * Asks for every frame and remembers the longest gap between two, taken apart with the kernel's clocks;
     * asks the phase's condition at every frame.
     */
    static final class Frames extends AnimationTimer {
        volatile long count;
        volatile long shownAt;
        int fxTid = -1;
        volatile int renderTid = -1;
        int dispatcherTid = -1;
        private long last;
        private Clock[] lastClocks;
        private long lastOurs;
        private long lastMachine;
        private Stall worst;
        private BooleanSupplier done;
        private long doneAt;
        private final List<Stall> late = new CopyOnWriteArrayList<>();

        @Override
        public void handle(long now) {
            Clock[] clocks = {Sched.read(fxTid), Sched.read(renderTid), Sched.read(dispatcherTid)};
            long ours = PROCESS.getProcessCpuTime();
            long machine = Sched.machineBusy();
            if (last != 0) {
                long gap = now - last;
                if (worst == null || gap > worst.gap()) {
                    worst = new Stall(last, now, clocks[0].minus(lastClocks[0]), clocks[1].minus(lastClocks[1]),
                            clocks[2].minus(lastClocks[2]), ours - lastOurs, machine - lastMachine);
                }
                if (gap > LATE) {
                    late.add(new Stall(last, now, clocks[0].minus(lastClocks[0]), clocks[1].minus(lastClocks[1]),
                            clocks[2].minus(lastClocks[2]), ours - lastOurs, machine - lastMachine));
                }
            }
            if (done != null) {
                if (doneAt == 0 && done.getAsBoolean()) {
                    doneAt = now;
                } else if (doneAt != 0 && shownAt == 0) {
                    shownAt = now;
                }
            }
            last = now;
            lastClocks = clocks;
            lastOurs = ours;
            lastMachine = machine;
            count++;
        }

        void reset(BooleanSupplier condition) {
            last = 0;
            worst = null;
            late.clear();
            done = condition;
            doneAt = 0;
            shownAt = 0;
        }

        List<Stall> lateFrames() {
            return List.copyOf(late);
        }
    }

    /** The kernel's clocks of one thread, and the load average. */
    static final class Sched {
        /**
         * The Linux thread id of the thread whose name starts with {@code comm} (the kernel keeps 15 chars); of
         * several, the one that has run longest (JavaFX has three "QuantumRenderer" threads, one does the work).
         */
        static int tid(String comm) {
            int best = -1;
            long bestRan = -1;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    if (Files.readString(t.resolve("comm")).strip().startsWith(comm)) {
                        int tid = Integer.parseInt(t.getFileName().toString());
                        long ran = read(tid).ran();
                        if (ran > bestRan) {
                            best = tid;
                            bestRan = ran;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: the stall is then reported without its parts
            }
            return best;
        }

        /** The thread's clocks, zero if unknown. */
        static Clock read(int tid) {
            if (tid < 0) {
                return new Clock(0, 0);
            }
            try {
                String[] f = Files.readString(Path.of("/proc/self/task/" + tid + "/schedstat")).strip().split(" ");
                return new Clock(Long.parseLong(f[0]), Long.parseLong(f[1]));
            } catch (IOException | RuntimeException e) {
                return new Clock(0, 0);
            }
        }

        /** CPU time all processes have used so far (ns, in 10 ms ticks), from /proc/stat. */
        static long machineBusy() {
            try (var in = Files.newBufferedReader(Path.of("/proc/stat"))) {
                String[] f = in.readLine().trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length; i++) {
                    if (i != 4 && i != 5) {
                        busy += Long.parseLong(f[i]);
                    }
                }
                return busy * 10_000_000L;
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        /** CPU time of the JIT compiler threads so far (ns). */
        static long compilerCpu() {
            long sum = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        String comm = Files.readString(t.resolve("comm")).strip();
                        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                            sum += Long.parseLong(Files.readString(t.resolve("schedstat")).split(" ")[0]);
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return sum;
        }

        static double loadAverage() {
            try {
                return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            } catch (IOException | RuntimeException e) {
                return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            }
        }
    }

    /** GC pauses as the JVM reports them, on the System.nanoTime() clock. */
    static final class GcPauses {
        private final List<long[]> pauses = new CopyOnWriteArrayList<>();
        private final long uptimeToNano = System.nanoTime()
                - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;

        GcPauses() {
            for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) bean).addNotificationListener((n, h) -> {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long start = uptimeToNano + info.getGcInfo().getStartTime() * 1_000_000L;
                    pauses.add(new long[] {start, start + info.getGcInfo().getDuration() * 1_000_000L});
                }, n -> n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
            }
        }

        long pausedWithin(long from, long to) {
            long sum = 0;
            for (long[] p : pauses) {
                sum += Math.max(0, Math.min(to, p[1]) - Math.max(from, p[0]));
            }
            return sum;
        }
    }

    /** Samples the FX thread's stack every 5 ms; reports where the samples inside late frames were. */
    static final class StallSampler extends Thread {
        private record Sample(long at, StackTraceElement[] stack) {}

        private final Thread fxThread;
        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        private final List<String> reports = new ArrayList<>();
        private int phases;

        StallSampler(Thread fxThread) {
            super("stall-sampler");
            this.fxThread = fxThread;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                samples.add(new Sample(System.nanoTime(), fxThread.getStackTrace()));
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void endPhase(String phase, List<Stall> late) {
            String dir = System.getProperty("profile");
            if (dir != null && !dir.isEmpty()) {
                dump(Path.of(dir), phase, late);
            }
            phases++;
            Map<String, Integer> where = new HashMap<>();
            int n = 0;
            for (Sample s : samples) {
                for (Stall w : late) {
                    if (s.at() >= w.from() && s.at() <= w.to()) {
                        where.merge(describe(s.stack()), 1, Integer::sum);
                        n++;
                        break;
                    }
                }
            }
            samples.clear();
            if (n == 0) {
                return;
            }
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%n== %s: %d frames later than 50 ms, %d samples in them%n", phase,
                    late.size(), n));
            for (Stall w : late) {
                b.append(String.format(Locale.ROOT, "   frame of %3d ms: FX ran %3d, waited %3d, off CPU %3d; renderer"
                        + " ran %3d, waited %3d; GC %3d; CPU used by us %3d, by others %3d%n", w.gap() / 1_000_000,
                        w.fx().ran() / 1_000_000, w.fx().waited() / 1_000_000, w.fxOff() / 1_000_000,
                        w.render().ran() / 1_000_000, w.render().waited() / 1_000_000,
                        gc.pausedWithin(w.from(), w.to()) / 1_000_000, w.ours() / 1_000_000,
                        Math.max(0, w.machine() - w.ours()) / 1_000_000));
            }
            where.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8)
                    .forEach(e -> b.append(String.format(Locale.ROOT, "%4d samples (%3.0f%%) %s%n", e.getValue(),
                            100.0 * e.getValue() / where.values().stream().mapToInt(Integer::intValue).sum(),
                            e.getKey())));
            reports.add(b.toString());
        }

        /** All of the phase's samples as folded stacks (outermost first), marked late or not, for a closer look. */
        private void dump(Path dir, String phase, List<Stall> late) {
            StringBuilder b = new StringBuilder();
            for (Sample s : samples) {
                boolean isLate = late.stream().anyMatch(w -> s.at() >= w.from() && s.at() <= w.to());
                b.append(isLate ? "LATE " : "ok   ");
                for (int i = s.stack().length - 1; i >= 0; i--) {
                    b.append(shortName(s.stack()[i])).append(i == 0 ? "" : ";");
                }
                b.append('\n');
            }
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(String.format(Locale.ROOT, "%02d-%s.folded", phases,
                        phase.replaceAll("[^A-Za-z0-9]+", "_"))), b);
            } catch (IOException e) {
                System.err.println("cannot write stacks: " + e);
            }
        }

        void printReports() {
            System.out.println("\nWhere the FX thread was during frames later than 50 ms (stack samples every 5 ms):");
            reports.forEach(System.out::print);
        }

        /**
         * What a stack shows the FX thread doing: idle, waiting for the renderer, or running; for running, in
         * which part of the pulse (or which runLater) and in which of our methods (outermost … innermost).
         */
        static String describe(StackTraceElement[] st) {
            if (st.length == 0) {
                return "(no stack)";
            }
            if (st[0].getMethodName().equals("_runLoop")) {
                return "idle: waiting for the next event (pulse or runLater)";
            }
            String outer = null;
            String inner = null;
            String pass = "other";
            for (int i = st.length - 1; i >= 0; i--) {
                StackTraceElement e = st[i];
                String c = e.getClassName();
                String m = e.getMethodName();
                if (c.startsWith("org.ckptinspector") && !c.contains("GuiResponsiveness")) {
                    if (outer == null) {
                        outer = shortName(e);
                    }
                    inner = shortName(e);
                }
                if (m.equals("waitForRenderingToComplete")) {
                    return "blocked: waiting for the render thread to finish the previous frame";
                }
                if (c.endsWith("PlatformImpl") && m.startsWith("lambda$runLater")) {
                    pass = "runLater";
                } else if (c.endsWith("AbstractPrimaryTimer") && m.equals("timePulseImpl")) {
                    pass = "pulse: animations";
                } else if (c.endsWith("Scene$ScenePulseListener") && m.equals("pulse")) {
                    pass = "pulse";
                } else if (pass.startsWith("pulse") && c.equals("javafx.scene.Scene")
                        && (m.equals("doCSSPass") || m.equals("doLayoutPass"))) {
                    pass = "pulse: " + (m.equals("doCSSPass") ? "CSS" : "layout");
                } else if (pass.equals("pulse") && m.equals("synchronizeSceneNodes")) {
                    pass = "pulse: sync to render tree";
                }
            }
            String ours = outer == null ? "" : " | ours: " + outer + (outer.equals(inner) ? "" : " … " + inner);
            return "running " + pass + ours + (classLoading(st) ? " [class loading]" : "");
        }

        static boolean classLoading(StackTraceElement[] st) {
            for (StackTraceElement e : st) {
                if (e.getMethodName().equals("loadClass") || e.getMethodName().startsWith("defineClass")
                        || e.getMethodName().equals("linkCallSite")) {
                    return true;
                }
            }
            return false;
        }

        static String shortName(StackTraceElement e) {
            String c = e.getClassName();
            return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName() + ":" + e.getLineNumber();
        }
    }

    /**
     * Starts the window's warm-up as InspectorApp does; reflectively, so that this benchmark also runs on builds
     * from before MainWindow.warmUp(), where InspectorApp called WarmUp.start(stylesheet) (for before/after).
     */
    static java.util.concurrent.Future<?> warmUp(MainWindow w) {
        try {
            return (java.util.concurrent.Future<?>) MainWindow.class.getMethod("warmUp").invoke(w);
        } catch (NoSuchMethodException olderBuild) {
            try {
                var m = Class.forName("org.ckptinspector.gui.WarmUp").getDeclaredMethod("start", String.class);
                m.setAccessible(true);
                m.invoke(null, w.scene().getStylesheets().get(0));
                Thread t = Thread.getAllStackTraces().keySet().stream()
                        .filter(x -> x.getName().equals("view-warm-up")).findFirst().orElseThrow();
                java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
                new Thread(() -> {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.complete(null);
                }).start();
                return done;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A condition that becomes true {@code ms} after it is first asked. */
    static BooleanSupplier sleepy(long ms) {
        long[] start = {0};
        return () -> {
            if (start[0] == 0) {
                start[0] = System.nanoTime();
            }
            return System.nanoTime() - start[0] > ms * 1_000_000L;
        };
    }

    static TabPane tabs() {
        return (TabPane) window.scene().lookup("#detailTabs");
    }

    static LayerNode largestTensor(LayerNode n) {
        return tensors(n).stream().max(Comparator.comparingLong(x -> x.aggregate().bytes())).orElseThrow();
    }

    static List<LayerNode> tensors(LayerNode n) {
        List<LayerNode> out = new ArrayList<>();
        collect(n, out);
        return out;
    }

    static void collect(LayerNode n, List<LayerNode> out) {
        if (n.tensor().isPresent()) {
            out.add(n);
        }
        n.children().forEach(c -> collect(c, out));
    }

    static String shortKey(LayerNode n) {
        return n.key().length() > 14 ? "…" + n.key().substring(n.key().length() - 13) : n.key();
    }

    static void fx(Runnable r) throws Exception {
        CountDownLatch l = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                r.run();
            } finally {
                l.countDown();
            }
        });
        if (!l.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("FX thread did not answer");
        }
    }

    static <T> T fxValue(java.util.function.Supplier<T> s) throws Exception {
        Object[] v = new Object[1];
        fx(() -> v[0] = s.get());
        @SuppressWarnings("unchecked")
        T t = (T) v[0];
        return t;
    }

    static boolean fxValue(BooleanSupplier s) throws Exception {
        return fxValue(() -> (Boolean) s.getAsBoolean());
    }
}
