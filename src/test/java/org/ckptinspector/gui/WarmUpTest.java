package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/** The start-up warm-up builds its views off the FX thread without failing (it would only waste its time). */
class WarmUpTest {
    @Test
    void buildsTheViewsOffTheFxThread() throws Exception {
        FxToolkit.registerPrimaryStage();
        String css = MainWindow.class.getResource("inspector.css").toExternalForm();
        assertTrue(WarmUp.run(css));
    }
}
