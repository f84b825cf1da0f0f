package org.ckptinspector.gui.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import org.ckptinspector.app.TaskRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The JavaFX task adapter: core progress reaches the task, the task's cancel reaches the core work. */
class MonitoredTaskTest {

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void cancelReachesTheWorkAndNoHandlerRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean sawCancel = new AtomicBoolean();
        TaskRunner.Work<String> work = m -> {
            started.countDown();
            long i = 0;
            while (true) {
                m.progress(50, 100, "step " + ++i);
                if (m.isCancelled()) {
                    sawCancel.set(true);
                }
                m.checkCancelled();
                Thread.sleep(1);
            }
        };
        Background background = new Background();
        AtomicBoolean handled = new AtomicBoolean();
        AtomicBoolean toldCancelled = new AtomicBoolean();
        AtomicReference<Task<?>> started0 = new AtomicReference<>();
        WaitForAsyncUtils.asyncFx((Runnable) () -> started0.set(background.run("long work", work,
                v -> handled.set(true), e -> handled.set(true), () -> toldCancelled.set(true)).task()))
                .get(5, TimeUnit.SECONDS);
        Task<?> task = started0.get();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> onFx(task::getProgress) == 0.5);
        String message = onFx(task::getMessage);
        assertTrue(message.startsWith("step "), message);
        WaitForAsyncUtils.asyncFx((Runnable) () -> task.cancel()).get(5, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> background.runningCount() == 0);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, sawCancel::get);
        assertEquals(Worker.State.CANCELLED, onFx(task::getState));
        assertTrue(!handled.get(), "a cancelled task calls neither handler");
        assertTrue(onFx(toldCancelled::get), "only onCancelled");
        assertEquals(null, onFx(() -> background.currentProperty().get()), "the status bar no longer shows it");
        background.shutdown();
    }

    @Test
    void progressReachesTheWindowAtMostTenTimesASecondAndTheLastReportArrives() throws Exception {
        TaskRunner.Work<String> work = m -> {
            for (int i = 1; i <= 200_000; i++) {
                m.progress(i, 200_000, "step " + i);
            }
            Thread.sleep(300);
            return "done";
        };
        AtomicReference<Task<?>> started = new AtomicReference<>();
        List<Double> seen = new CopyOnWriteArrayList<>();
        Background background = new Background();
        long t0 = System.nanoTime();
        WaitForAsyncUtils.asyncFx((Runnable) () -> {
            // Progress reaches the task on the FX thread, so none is missed before this listener.
            started.set(background.run("many reports", work, v -> { }, e -> { }, () -> { }).task());
            started.get().progressProperty().addListener((obs, was, now) -> seen.add(now.doubleValue()));
        }).get(5, TimeUnit.SECONDS);
        Task<?> task = started.get();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> background.runningCount() == 0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1.0, seen.get(seen.size() - 1), "the last report reached the task");
        assertEquals("step 200000", onFx(task::getMessage));
        assertTrue(seen.size() <= 2 + seconds * MonitoredTask.PUBLISHES_PER_SECOND,
                seen.size() + " progress updates in " + seconds + " s");
        background.shutdown();
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(5, TimeUnit.SECONDS);
    }
}
