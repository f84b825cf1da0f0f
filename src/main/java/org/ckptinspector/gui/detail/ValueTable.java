package org.ckptinspector.gui.detail;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.PreviewGrid;

/**
 * The Values tab: how much of the tensor the grid shows, the value the mouse points at, and the grid of the
 * first rows and columns with the row index in front.
 */
final class ValueTable {
    private ValueTable() {}

    static Node of(PreviewGrid grid) {
        ValueGrid view = new ValueGrid(grid);
        view.setId("valueGrid");
        Label caption = new Label("Rows " + Formats.count(grid.values().length) + " of "
                + Formats.count(grid.totalRows()) + "  ·  columns " + grid.shownColumns() + " of "
                + Formats.count(grid.totalColumns()));
        caption.getStyleClass().add("link-meta");
        Label pointed = new Label();
        pointed.setId("valuePointed");
        pointed.getStyleClass().add("value-pointed");
        pointed.textProperty().bind(view.pointedProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(12, caption, spacer, pointed);
        VBox box = new VBox(8, top, view);
        box.getStyleClass().add("detail-content");
        VBox.setVgrow(view, Priority.ALWAYS);
        return box;
    }
}
