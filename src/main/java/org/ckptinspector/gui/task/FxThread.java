package org.ckptinspector.gui.task;

import javafx.application.Platform;

/**
 * The check that scene-graph work happens on the FX thread. JavaFX checks this only for nodes in a showing
 * window; a control built or laid out elsewhere races the FX thread's shared text and CSS state.
 */
public final class FxThread {
    private FxThread() {}

    /** Fails (with assertions on, as in the tests) when called off the FX thread. */
    public static void check() {
        assert Platform.isFxApplicationThread() : "scene-graph work off the FX thread: "
                + Thread.currentThread().getName();
    }
}
