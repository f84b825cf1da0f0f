package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.Node;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * The start-up warm-up reads the sample off the FX thread and builds every view on it; building a view
 * anywhere else fails the FX-thread assertion (tests run with assertions on).
 */
class WarmUpTest {
    @Test
    void preparesOffTheFxThreadAndBuildsEveryViewOnIt() throws Exception {
        FxToolkit.registerPrimaryStage();
        assertFalse(Platform.isFxApplicationThread());
        WarmUp.Prepared p = WarmUp.prepare();
        assertNotNull(p, "the sample could be read and analysed");
        try {
            var views = WarmUp.views(p);
            assertThrows(AssertionError.class, () -> views.get(0).get(), "a view built off the FX thread");
            CompletableFuture<Integer> built = new CompletableFuture<>();
            Platform.runLater(() -> {
                int n = 0;
                for (Supplier<Node> v : views) {
                    assertNotNull(v.get());
                    n++;
                }
                built.complete(n);
            });
            assertEquals(views.size(), built.get(60, TimeUnit.SECONDS));
        } finally {
            p.doc().close();
        }
    }

    @Test
    void theWholeWarmUpEndsOnTheFxThread() throws Exception {
        FxToolkit.registerPrimaryStage();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        WarmUp.start(MainWindow.class.getResource("inspector.css").toExternalForm(),
                () -> done.complete(Platform.isFxApplicationThread()));
        assertEquals(true, done.get(60, TimeUnit.SECONDS));
    }
}
