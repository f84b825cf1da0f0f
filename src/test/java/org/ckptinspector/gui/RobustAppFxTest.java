package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.Label;
import org.ckptinspector.HostileCheckpoints;
import org.ckptinspector.app.LayerTreeBuilder;
import org.ckptinspector.app.ValueText;
import org.ckptinspector.gui.open.SampleCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Hostile files cannot hang the app or fill its heap, and starting it with a file, again and again, throws
 * nothing (no uncaught exception on any thread, no FX-thread assertion).
 */
class RobustAppFxTest extends FxAppTestSupport {
    /**
     * What the open file may keep in the heap, tree rows included: the 200 000 values of the budget and their rows
     * take about 300 MiB (before the budget, the billion laughs grew the heap past 6 GB).
     */
    private static final long HEAP_BOUND = 512L << 20;

    @Test
    void aBillionLaughsShowsItsTreeCutWithANoteInTenSeconds(FxRobot robot, @TempDir Path dir) throws Exception {
        Path laughs = HostileCheckpoints.billionLaughs(dir);
        openWithin10s(robot, laughs);
        assertEquals("'the object tree has more than 200000 values; the rest is left out'",
                ValueText.shortText(row(LayerTreeBuilder.CUT_ROW).getValue().value().orElseThrow()));
        assertTrue(row("w").getValue().tensor().isPresent());
        screenshot(robot, "40-billion-laughs");
        assertHeldHeapBounded(robot, laughs);
    }

    /** The reader refuses 200 000 nested lists (the limit of its own stack) with a message; no hang. */
    @Test
    void deepNestingEndsInAClearErrorInTenSeconds(FxRobot robot) throws Exception {
        Path file = Path.of("src/test/resources/hostile/limit_deep_nesting.pt");
        long start = System.nanoTime();
        robot.interact(() -> window.openFile(file));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#errorDialog").tryQuery().isPresent());
        System.out.println(file.getFileName() + ": error shown in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        Label text = robot.lookup("#errorDialog .content").queryAs(Label.class);
        assertTrue(text.getText().contains("nested deeper than 5000 levels"), text.getText());
        screenshot(robot, "41-deep-nesting-error");
    }

    /** A nested tree deeper than the tree's 64 levels shows its first 64 with a note. */
    @Test
    void aTreeDeeperThanTheViewShowsItsTopWithANote(FxRobot robot, @TempDir Path dir) throws Exception {
        Path nested = HostileCheckpoints.nested(dir, 1000);
        openWithin10s(robot, nested);
        assertEquals("'the object tree nests deeper than 64 levels; the rest is left out'",
                ValueText.shortText(row(LayerTreeBuilder.CUT_ROW).getValue().value().orElseThrow()));
        assertHeldHeapBounded(robot, nested);
    }

    private void openWithin10s(FxRobot robot, Path file) throws TimeoutException {
        long start = System.nanoTime();
        robot.interact(() -> window.openFile(file));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.workspace().primary() != null
                && window.workspace().primary().file().equals(file) && idle());
        WaitForAsyncUtils.waitForFxEvents();
        System.out.println(file.getFileName() + ": tree shown in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** What the open file keeps in the heap (its checkpoint, tree and rows): used with it minus used after closing. */
    private void assertHeldHeapBounded(FxRobot robot, Path file) {
        long with = usedAfterGc();
        robot.interact(() -> window.workspace().closeAll());
        WaitForAsyncUtils.waitForFxEvents();
        long held = with - usedAfterGc();
        System.out.println(file.getFileName() + ": holds " + (held >> 20) + " MiB of heap");
        assertTrue(held < HEAP_BOUND, "the open file holds " + held + " bytes");
    }

    private static long usedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void twentyLaunchesWithAFileLogNoException(FxRobot robot) throws Exception {
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> thrown.add(e));
        robot.interact(() -> Thread.currentThread().setUncaughtExceptionHandler((t, e) -> thrown.add(e)));
        try {
            Path sample = SampleCheckpoint.file();
            for (int i = 0; i < 20; i++) {
                MainWindow[] launched = new MainWindow[1];
                var warmed = new java.util.concurrent.CompletableFuture<Void>();
                robot.interact(() -> {
                    window.workspace().closeAll();
                    launched[0] = new MainWindow(stage, window.background(), new org.ckptinspector.gui.open
                            .RecentFiles(java.util.prefs.Preferences.userRoot().node("ckptinspector-test-launch")));
                    launched[0].warmUp().thenRun(() -> warmed.complete(null));
                    launched[0].openFile(sample);
                });
                window = launched[0];
                waitFor(() -> window.workspace().primary() != null && idle() && warmed.isDone());
                select(robot, "state_dict.model.lm_head.weight");
                waitFor(() -> robot.lookup("#histogram").tryQuery().isPresent());
                assertEquals(List.of(), thrown, "launch " + (i + 1));
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
            java.util.prefs.Preferences.userRoot().node("ckptinspector-test-launch").removeNode();
        }
    }

    /** The sample with a tensor selected in a 1024x700 window, for looking at the layout at that size. */
    @Test
    void rendersAt1024x700(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        open(robot, SampleCheckpoint.file());
        select(robot, "state_dict.model.transformer.h.0.mlp.c_fc.weight");
        waitFor(() -> robot.lookup("#histogram").tryQuery().isPresent());
        assertEquals(1024, stage.getWidth());
        screenshot(robot, "42-sample-1024x700");
    }
}
