package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;

/** The main window opens inside the screen's visual bounds, at its preferred size when it fits. */
class WindowPlacementTest {
    @Test
    void aSmallScreenGetsAWindowOfItsVisualBounds() {
        // 1024x700 with a 28-pixel panel at the top
        assertEquals(new Rectangle2D(0, 28, 1024, 672), WindowPlacement.within(new Rectangle2D(0, 28, 1024, 672)));
    }

    @Test
    void aLargeScreenGetsThePreferredSizeCentred() {
        assertEquals(new Rectangle2D(2240, 200, 1280, 800),
                WindowPlacement.within(new Rectangle2D(1920, 0, 1920, 1200)));
    }
}
