package org.ckptinspector.gui.tree;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeTableCell;
import org.ckptinspector.app.DiffStatus;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.gui.icons.Icon;

/**
 * The diff mark of a row: an icon whose shape and colour tell the status, with the status as tooltip. A cell
 * keeps its icon while the status stays, and the cells of a table share one tooltip per status: a tooltip is
 * a popup window of its own, far too heavy to make for every row shown.
 */
final class StatusCell extends TreeTableCell<LayerNode, LayerNode> implements LayerTreeTable.Marked {
    private final Supplier<Function<LayerNode, DiffStatus>> status;
    private final Map<DiffStatus, Tooltip> tooltips;
    private DiffStatus shown;

    /** @param tooltips the tooltips of the table's cells, by status; filled as needed */
    StatusCell(Supplier<Function<LayerNode, DiffStatus>> status, Map<DiffStatus, Tooltip> tooltips) {
        this.status = status;
        this.tooltips = tooltips;
        getStyleClass().add("status-cell");
    }

    @Override
    protected void updateItem(LayerNode node, boolean empty) {
        super.updateItem(node, empty);
        updateMarks();
    }

    @Override
    public void updateMarks() {
        LayerNode node = isEmpty() ? null : getItem();
        DiffStatus s = node == null ? null : status.get().apply(node);
        if (s == shown) {
            return;
        }
        shown = s;
        if (s == null) {
            setGraphic(null);
            setTooltip(null);
            setAccessibleText(null);
            return;
        }
        var icon = Icon.of(s).node(12);
        icon.getStyleClass().add(s.styleName());
        setGraphic(icon);
        setTooltip(tooltips.computeIfAbsent(s, x -> new Tooltip(x.label() + ": " + x.description())));
        setAccessibleText(s.label());
    }
}
