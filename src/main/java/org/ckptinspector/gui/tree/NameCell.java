package org.ckptinspector.gui.tree;

import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeTableCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import java.util.function.Function;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.icons.Icon;

/** The name cell: an export check box, an icon for the row's kind, and the key segment. */
final class NameCell extends TreeTableCell<LayerNode, LayerNode> implements LayerTreeTable.Marked {
    private final ExportSelection selection;
    private final Function<LayerNode, String> damage;
    private final CheckBox check = new CheckBox();
    private final Label label = new Label();
    private final HBox box = new HBox(4);
    private Icon shownIcon;
    private Region damageMark;
    private Tooltip damageTip;

    /**
     * @param damage the warning of a damaged row (or of the damaged rows below it), null for a sound one
     * @param key the tooltip the name cells share, showing the full key of the row under the pointer (the name
     *     column may be narrower than a name)
     */
    NameCell(ExportSelection selection, Function<LayerNode, String> damage, Tooltip key) {
        this.selection = selection;
        this.damage = damage;
        setTooltip(key);
        setOnMouseEntered(e -> {
            if (getItem() != null) {
                key.setText(getItem().key().isEmpty() ? displayName(getItem()) : getItem().key());
            }
        });
        check.setFocusTraversable(false);
        check.getStyleClass().add("export-check");
        check.setOnAction(e -> {
            if (getItem() != null) {
                selection.toggle(getItem());
            }
        });
        label.getStyleClass().add("name-label");
        box.setAlignment(Pos.CENTER_LEFT);
        box.getChildren().addAll(check, label);
        setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
    }

    @Override
    protected void updateItem(LayerNode node, boolean empty) {
        super.updateItem(node, empty);
        if (empty || node == null) {
            setGraphic(null);
            setText(null);
            return;
        }
        Icon icon = iconOf(node);
        if (icon != shownIcon) {
            Region r = icon.node(14);
            r.getStyleClass().add("kind-icon");
            if (shownIcon != null) {
                box.getChildren().set(1, r);
            } else {
                box.getChildren().add(1, r);
            }
            shownIcon = icon;
        }
        updateMarks();
        showDamage(damage.apply(node));
        // The file's own row gives way first when the column is narrow (see ColumnFit): its extension stays.
        label.setTextOverrun(node.kind() == LayerNode.Kind.ROOT ? javafx.scene.control.OverrunStyle.CENTER_ELLIPSIS
                : javafx.scene.control.OverrunStyle.ELLIPSIS);
        label.setText(displayName(node));
        setText(node.key());
        setGraphic(box);
    }

    /** Shows whether the row's tensors are chosen for export. */
    @Override
    public void updateMarks() {
        LayerNode node = isEmpty() ? null : getItem();
        if (node == null) {
            return;
        }
        boolean hasTensors = node.aggregate().tensors() > 0;
        check.setVisible(hasTensors);
        check.setManaged(hasTensors);
        ExportSelection.State s = hasTensors ? selection.state(node) : ExportSelection.State.NONE;
        check.setIndeterminate(s == ExportSelection.State.SOME);
        check.setSelected(s == ExportSelection.State.ALL);
    }

    /** A warning sign after the name, with the reason as tooltip; made for the first damaged row shown. */
    private void showDamage(String reason) {
        if (reason == null) {
            if (damageMark != null) {
                damageMark.setVisible(false);
                damageMark.setManaged(false);
            }
            return;
        }
        if (damageMark == null) {
            damageMark = Icon.WARNING.node(12);
            damageMark.getStyleClass().add("damage-mark");
            damageTip = new Tooltip();
            Tooltip.install(damageMark, damageTip);
            box.getChildren().add(damageMark);
        }
        damageTip.setText(reason);
        damageMark.setAccessibleText("warning: " + reason);
        damageMark.setVisible(true);
        damageMark.setManaged(true);
    }

    static String displayName(LayerNode n) {
        if (n.kind() == LayerNode.Kind.ROOT) {
            return n.name();
        }
        return n.name().isEmpty() ? "(unnamed)" : n.name();
    }

    static Icon iconOf(LayerNode n) {
        return switch (n.kind()) {
            case ROOT, CONTAINER -> Icon.CONTAINER;
            case MODULE -> Icon.MODULE;
            case TENSOR -> Icon.TENSOR;
            case VALUE -> Icon.VALUE;
        };
    }
}
