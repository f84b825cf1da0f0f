package org.ckptinspector.gui.tree;

import java.util.function.Function;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeTableCell;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.TreeColumnText;

/**
 * A value cell of the layer tree (type, shape, parameters, size, verdict): the compact text of
 * {@link TreeColumnText}, shown again when the comparison changes, with the exact value in a tooltip. The cells
 * of a column share one tooltip, whose text follows the pointer: a tooltip per cell would be a popup window per
 * row shown.
 */
final class ColumnTextCell extends TreeTableCell<LayerNode, LayerNode> implements LayerTreeTable.Marked {
    private final Function<LayerNode, TreeColumnText.Cell> text;
    private final Tooltip shared;
    private TreeColumnText.Cell shown;

    ColumnTextCell(Function<LayerNode, TreeColumnText.Cell> text, Tooltip shared) {
        this.text = text;
        this.shared = shared;
        setOnMouseEntered(e -> {
            if (shown != null && shown.exact() != null) {
                shared.setText(shown.exact());
            }
        });
    }

    @Override
    protected void updateItem(LayerNode node, boolean empty) {
        super.updateItem(node, empty);
        updateMarks();
    }

    @Override
    public void updateMarks() {
        LayerNode node = isEmpty() ? null : getItem();
        shown = node == null ? null : text.apply(node);
        setText(shown == null ? null : shown.text());
        setTooltip(shown == null || shown.exact() == null ? null : shared);
    }
}
