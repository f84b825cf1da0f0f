package org.ckptinspector.gui;

import javafx.geometry.Rectangle2D;

/** Where the main window opens: its preferred size, shrunk to the screen's visual bounds and centred in them. */
final class WindowPlacement {
    static final double PREFERRED_WIDTH = 1280;
    static final double PREFERRED_HEIGHT = 800;

    private WindowPlacement() {}

    /** The window's bounds on a screen whose usable area (without task bars and docks) is {@code visual}. */
    static Rectangle2D within(Rectangle2D visual) {
        double w = Math.min(PREFERRED_WIDTH, visual.getWidth());
        double h = Math.min(PREFERRED_HEIGHT, visual.getHeight());
        return new Rectangle2D(visual.getMinX() + (visual.getWidth() - w) / 2,
                visual.getMinY() + (visual.getHeight() - h) / 2, w, h);
    }
}
