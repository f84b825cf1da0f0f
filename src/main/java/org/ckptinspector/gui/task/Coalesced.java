package org.ckptinspector.gui.task;

import javafx.application.Platform;

/**
 * An FX-thread action run once for a burst of requests: the first request queues it, later ones made before it
 * runs join that run. Requests come from the FX thread; off it (a view built off screen) the action runs at
 * once.
 */
public final class Coalesced {
    private final Runnable action;
    private boolean queued;

    public Coalesced(Runnable action) {
        this.action = action;
    }

    public void request() {
        if (!Platform.isFxApplicationThread()) {
            action.run();
        } else if (!queued) {
            queued = true;
            Platform.runLater(() -> {
                queued = false;
                action.run();
            });
        }
    }
}
