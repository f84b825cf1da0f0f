package org.ckptinspector.gui.task;

import javafx.application.Platform;
import javafx.scene.Scene;

/**
 * Runs an action on the FX thread once the next frame of a scene has been laid out and handed to the renderer,
 * so that what changed before shows first and the action's own work lands in the frame after: one long frame
 * becomes two shorter ones.
 */
public final class NextFrame {
    private NextFrame() {}

    public static void run(Scene scene, Runnable action) {
        boolean[] fired = {false};
        Runnable[] listener = new Runnable[1];
        listener[0] = () -> {
            if (!fired[0]) {
                fired[0] = true;
                // Removed from a later event: the scene is still going through its listeners.
                Platform.runLater(() -> {
                    scene.removePostLayoutPulseListener(listener[0]);
                    action.run();
                });
            }
        };
        scene.addPostLayoutPulseListener(listener[0]);
        Platform.requestNextPulse();
    }
}
