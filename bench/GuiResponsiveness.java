import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.prefs.Preferences;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.ckptinspector.gui.MainWindow;
import org.ckptinspector.gui.export.ExportDialog;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.tree.LayerNode;
import org.ckptinspector.export.ExportFormat;

/**
 * Measures how the desktop app responds on a big checkpoint: time until the layer tree shows after open, and
 * the longest gap between two frames on the FX thread (an AnimationTimer asks for every frame, so a gap is a
 * stall the user would see) while the app opens the file, computes statistics and a heat map, compares two
 * files and exports, and the CPU time the FX thread itself spent in each phase (which, unlike frame gaps, does
 * not depend on what else the machine is running). Goals: tree shown < 1 s, longest stall < 100 ms.
 *
 * usage (from the project folder, with a display, e.g. under xvfb-run):
 *   java -cp target/checkpoint-inspector.jar bench/GuiResponsiveness.java BIG.pt [BIG_PERTURBED.pt]
 */
public class GuiResponsiveness {
    static final AtomicLong lastFrame = new AtomicLong();
    static final AtomicLong maxGap = new AtomicLong();
    static MainWindow window;
    static long fxThreadId;
    static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path a = Path.of(args[0]);
        Path b = args.length > 1 ? Path.of(args[1]) : a;
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Preferences prefs = Preferences.userRoot().node("ckpt-bench-" + UUID.randomUUID());
        fx(() -> {
            Stage stage = new Stage();
            window = new MainWindow(stage, new Background(), new RecentFiles(prefs));
            stage.setWidth(1400);
            stage.setHeight(900);
            stage.show();
            if (System.getProperty("nowarmup") == null) {
                warmUp(window.scene().getStylesheets().get(0));
            }
            new AnimationTimer() {
                @Override
                public void handle(long now) {
                    long last = lastFrame.getAndSet(now);
                    if (last != 0) {
                        maxGap.accumulateAndGet(now - last, Math::max);
                    }
                }
            }.start();
        });
        fx(() -> fxThreadId = Thread.currentThread().getId());
        Thread.sleep(1500);
        if (System.getProperty("profile") != null) {
            startStallSampler();
        }
        System.out.printf(Locale.ROOT, "file A: %s (%.2f GB)%nfile B: %s%n", a, Files.size(a) / 1e9, b);
        System.out.printf(Locale.ROOT, "%-34s %12s %18s %14s%n", "phase", "time", "longest FX stall",
                "FX-thread CPU");

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
        phase("diff A ↔ B", () -> window.compareWith(b),
                () -> window.comparisonState().isActive() && window.background().runningCount() == 0);
        Path out = Files.createTempDirectory(a.toAbsolutePath().getParent(), "bench-export").resolve("out.safetensors");
        ExportDialog[] dialog = new ExportDialog[1];
        phase("export 8 tensors + verify", () -> {
            window.workspace().setComparison(null);
            List<LayerNode> tensors = tensors(window.workspace().primary().tree());
            tensors.subList(0, Math.min(8, tensors.size())).forEach(window.exportSelection()::toggle);
            dialog[0] = window.showExportDialog();
            dialog[0].form().formatProperty().set(ExportFormat.SAFETENSORS);
            dialog[0].form().outputProperty().set(out);
            dialog[0].run();
        }, () -> dialog[0] != null && window.background().runningCount() == 0 && Files.exists(out));
        Files.deleteIfExists(out);
        Files.deleteIfExists(out.getParent());
        System.out.println("-- again, now that the JVM has run each view once:");
        phase("re-open → tree shown", () -> window.openFile(b),
                () -> window.workspace().primary() != null && window.workspace().primary().file().equals(b)
                        && window.tree().view().getRoot() != null);
        List<LayerNode> all = tensors(window.workspace().primary().tree());
        LayerNode other = all.get(all.size() - 1);
        phase("statistics + histogram (" + shortKey(other) + ")", () -> window.tree().select(other),
                () -> window.scene().lookup("#histogram") != null);
        phase("values grid", () -> tabs().getSelectionModel().select(1),
                () -> window.scene().lookup("#valueGrid") != null);
        phase("heat map", () -> tabs().getSelectionModel().select(2),
                () -> window.scene().lookup("#heatMap") != null);
        prefs.removeNode();
        Platform.exit();
        System.exit(0);
    }

    static final java.util.Map<String, Integer> stallSamples = new java.util.concurrent.ConcurrentHashMap<>();

    /** With -Dprofile: samples the FX thread's stack whenever the current frame is late by more than 50 ms. */
    static void startStallSampler() {
        Thread fxThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("JavaFX Application Thread")).findFirst().orElseThrow();
        Thread sampler = new Thread(() -> {
            while (true) {
                long last = lastFrame.get();
                if (last != 0 && System.nanoTime() - last > 50_000_000L) {
                    StackTraceElement[] st = fxThread.getStackTrace();
                    StringBuilder b = new StringBuilder();
                    int n = 0;
                    for (StackTraceElement e : st) {
                        if (n < 14) {
                            b.append("\n    ").append(e);
                            n++;
                        }
                    }
                    stallSamples.merge(b.toString(), 1, Integer::sum);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stallSamples.entrySet().stream()
                .sorted((x, y) -> y.getValue() - x.getValue()).limit(12)
                .forEach(e -> System.out.println(e.getValue() + " samples:" + e.getKey()))));
    }

    static void phase(String name, Runnable action, BooleanSupplier done) throws Exception {
        fx(() -> {
            maxGap.set(0);
            lastFrame.set(0);
        });
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getThreadCpuTime(fxThreadId);
        fx(action);
        while (!fxValue(done)) {
            Thread.sleep(2);
        }
        long t = System.nanoTime() - t0;
        fx(() -> { });
        Thread.sleep(100);
        long cpu = THREADS.getThreadCpuTime(fxThreadId) - cpu0;
        System.out.printf(Locale.ROOT, "%-34s %9.0f ms %15.1f ms %11.0f ms%n", name, t / 1e6, maxGap.get() / 1e6,
                cpu / 1e6);
    }

    /** What InspectorApp does after showing the window (package-private there, so called reflectively). */
    static void warmUp(String css) {
        try {
            var m = Class.forName("org.ckptinspector.gui.WarmUp").getDeclaredMethod("start", String.class);
            m.setAccessible(true);
            m.invoke(null, css);
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
        return tensors(n).stream().max(java.util.Comparator.comparingLong(x -> x.aggregate().bytes())).orElseThrow();
    }

    static List<LayerNode> tensors(LayerNode n) {
        List<LayerNode> out = new java.util.ArrayList<>();
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

    static boolean fxValue(BooleanSupplier s) throws Exception {
        boolean[] v = new boolean[1];
        fx(() -> v[0] = s.getAsBoolean());
        return v[0];
    }
}
