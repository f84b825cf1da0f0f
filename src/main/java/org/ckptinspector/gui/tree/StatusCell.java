package org.ckptinspector.gui.tree;

import java.util.function.Function;
import java.util.function.Supplier;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.Tooltip;
import org.ckptinspector.gui.diff.DiffStatus;

/** The diff mark of a row: an icon whose shape and colour tell the status, with the status as tooltip. */
final class StatusCell extends TreeTableCell<LayerNode, LayerNode> {
    private final Supplier<Function<LayerNode, DiffStatus>> status;

    StatusCell(Supplier<Function<LayerNode, DiffStatus>> status) {
        this.status = status;
        getStyleClass().add("status-cell");
    }

    @Override
    protected void updateItem(LayerNode node, boolean empty) {
        super.updateItem(node, empty);
        DiffStatus s = empty || node == null ? null : status.get().apply(node);
        if (s == null) {
            setGraphic(null);
            setTooltip(null);
            setAccessibleText(null);
            return;
        }
        var icon = s.icon().node(12);
        icon.getStyleClass().add(s.styleName());
        setGraphic(icon);
        setTooltip(new Tooltip(s.label() + ": " + s.description()));
        setAccessibleText(s.label());
    }
}
