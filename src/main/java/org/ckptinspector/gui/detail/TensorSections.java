package org.ckptinspector.gui.detail;

import javafx.scene.control.TabPane;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.model.TensorRef;

/** Adds the value-based parts of a tensor's detail (statistics, histogram, values, heat map). */
@FunctionalInterface
public interface TensorSections {
    /**
     * @param tabs the detail tabs, to add tabs to
     * @param overview the overview tab's content, to add sections to
     */
    void addTo(TabPane tabs, VBox overview, TensorRef t, OpenedCheckpoint doc);
}
