package org.ckptinspector.gui.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.concurrent.Worker;
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
        MonitoredTask<String> task = new MonitoredTask<>("long work", m -> {
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
        });
        Background background = new Background();
        AtomicBoolean handled = new AtomicBoolean();
        WaitForAsyncUtils.asyncFx((Runnable) () -> background.run(task, v -> handled.set(true), e -> handled.set(true)))
                .get(5, TimeUnit.SECONDS);
        assertTrue(started.await(5, TimeUnit.SECONDS));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> onFx(task::getProgress) == 0.5);
        String message = onFx(task::getMessage);
        assertTrue(message.startsWith("step "), message);
        WaitForAsyncUtils.asyncFx((Runnable) () -> task.cancel()).get(5, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> background.runningCount() == 0);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, sawCancel::get);
        assertEquals(Worker.State.CANCELLED, onFx(task::getState));
        assertTrue(!handled.get(), "a cancelled task calls neither handler");
        assertEquals(null, onFx(() -> background.currentProperty().get()), "the status bar no longer shows it");
        background.shutdown();
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(5, TimeUnit.SECONDS);
    }
}
