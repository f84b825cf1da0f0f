package org.ckptinspector.gui.tree;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.SetChangeListener;
import javafx.css.PseudoClass;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import org.ckptinspector.gui.diff.DiffStatus;
import org.ckptinspector.gui.export.ExportSelection;

/**
 * The layer tree: a TreeTableView over {@link LayerNode}s with name, dtype, shape, parameter and size columns,
 * export check boxes, optional diff marks, and rows that can be dragged (as tensor keys) into the export basket.
 * Space ticks the selected rows; the arrow keys browse as in any tree.
 */
public final class LayerTreeTable {
    /** What a dragged row carries: the keys of the tensors at or below it, one a line. */
    public static final DataFormat TENSOR_KEYS = new DataFormat("application/x-checkpoint-inspector-keys");

    private final TreeTableView<LayerNode> table = new TreeTableView<>();
    private final ReadOnlyObjectWrapper<LayerNode> selected = new ReadOnlyObjectWrapper<>();
    private final ExportSelection exportSelection;
    private final Set<LayerNode> expanded = Collections.newSetFromMap(new IdentityHashMap<>());
    private final TreeTableColumn<LayerNode, LayerNode> statusColumn = new TreeTableColumn<>("");
    private Function<LayerNode, DiffStatus> diffStatus = n -> null;
    private LayerNode root;

    public LayerTreeTable(ExportSelection exportSelection) {
        this.exportSelection = exportSelection;
        table.setId("layerTree");
        table.getStyleClass().add("layer-tree");
        table.setShowRoot(true);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TreeTableColumn<LayerNode, LayerNode> name = nameColumn();
        table.getColumns().setAll(List.of(statusColumn, name, typeColumn(), shapeColumn(),
                parametersColumn(), bytesColumn()));
        table.setTreeColumn(name);
        statusColumn.setVisible(false);
        statusColumn.setId("statusColumn");
        statusColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue()));
        statusColumn.setCellFactory(c -> new StatusCell(() -> diffStatus));
        statusColumn.setPrefWidth(34);
        statusColumn.setMinWidth(34);
        statusColumn.setMaxWidth(34);
        statusColumn.setSortable(false);
        statusColumn.setResizable(false);
        table.setRowFactory(t -> new LayerRow());
        table.getSelectionModel().selectedItemProperty().addListener((obs, was, item) ->
                selected.set(item == null ? null : item.getValue()));
        table.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);
        exportSelection.keys().addListener((SetChangeListener<String>) c -> table.refresh());
        table.setPlaceholder(new javafx.scene.control.Label("No rows match the filter."));
    }

    public TreeTableView<LayerNode> view() {
        return table;
    }

    /** The row the user selected last (the detail pane shows it). */
    public ReadOnlyObjectProperty<LayerNode> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    /** Shows a new tree; rows expand by a default policy until the user changes them. */
    public void setTree(LayerNode newRoot, FilteredTree filtered) {
        expanded.clear();
        root = newRoot;
        if (newRoot == null) {
            table.setRoot(null);
            return;
        }
        defaultExpansion(newRoot, 0);
        rebuild(filtered, false);
        table.getSelectionModel().clearSelection();
        if (table.getRoot() != null) {
            table.getSelectionModel().select(0);
            table.getFocusModel().focus(0);
        }
    }

    /** Applies a filter: all visible rows expand while filtering, the user's expansion returns after. */
    public void applyFilter(FilteredTree filtered, boolean filtering) {
        LayerNode keep = selected.get();
        rebuild(filtered, filtering);
        if (keep != null) {
            select(keep);
        }
    }

    /** Marks rows with a diff status (null: no comparison). */
    public void setDiffStatus(Function<LayerNode, DiffStatus> status) {
        diffStatus = status == null ? n -> null : status;
        statusColumn.setVisible(status != null);
        table.refresh();
    }

    /** Selects and reveals the row of {@code node} if it is visible. */
    public boolean select(LayerNode node) {
        TreeItem<LayerNode> item = find(table.getRoot(), node);
        if (item == null) {
            return false;
        }
        for (TreeItem<LayerNode> p = item.getParent(); p != null; p = p.getParent()) {
            p.setExpanded(true);
        }
        int row = table.getRow(item);
        table.getSelectionModel().clearAndSelect(row);
        table.getFocusModel().focus(row);
        table.scrollTo(Math.max(0, row - 3));
        return true;
    }

    private static TreeItem<LayerNode> find(TreeItem<LayerNode> item, LayerNode node) {
        if (item == null) {
            return null;
        }
        if (item.getValue() == node) {
            return item;
        }
        for (TreeItem<LayerNode> c : item.getChildren()) {
            TreeItem<LayerNode> f = find(c, node);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private void defaultExpansion(LayerNode n, int depth) {
        boolean onlyChild = n.parent().map(p -> p.children().size() == 1).orElse(true);
        if (!n.isLeaf() && (depth < 2 || onlyChild && depth < 8)) {
            expanded.add(n);
            for (LayerNode c : n.children()) {
                defaultExpansion(c, depth + 1);
            }
        }
    }

    private void rebuild(FilteredTree filtered, boolean expandAll) {
        if (root == null) {
            table.setRoot(null);
            return;
        }
        table.setRoot(item(root, filtered, expandAll));
    }

    private TreeItem<LayerNode> item(LayerNode n, FilteredTree filtered, boolean expandAll) {
        TreeItem<LayerNode> item = new TreeItem<>(n);
        List<LayerNode> kids = filtered.children(n);
        if (!kids.isEmpty()) {
            @SuppressWarnings("unchecked")
            TreeItem<LayerNode>[] items = new TreeItem[kids.size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = item(kids.get(i), filtered, expandAll);
            }
            item.getChildren().setAll(items);
            item.setExpanded(expandAll || expanded.contains(n));
            if (!expandAll) {
                item.expandedProperty().addListener((obs, was, now) -> {
                    if (now) {
                        expanded.add(n);
                    } else {
                        expanded.remove(n);
                    }
                });
            }
        }
        return item;
    }

    /** What dragging these rows carries: the keys of their tensors (also as text); null when they have none. */
    public static ClipboardContent dragContent(List<LayerNode> nodes) {
        Set<String> keys = new LinkedHashSet<>();
        nodes.forEach(n -> keys.addAll(ExportSelection.keysBelow(n)));
        if (keys.isEmpty()) {
            return null;
        }
        ClipboardContent content = new ClipboardContent();
        content.put(TENSOR_KEYS, String.join("\n", keys));
        content.putString(String.join("\n", keys));
        return content;
    }

    /** Expands or collapses every row (the root stays open). */
    public void expandAll(boolean expand) {
        TreeItem<LayerNode> r = table.getRoot();
        if (r != null) {
            setExpanded(r, expand);
            r.setExpanded(true);
        }
    }

    private static void setExpanded(TreeItem<LayerNode> item, boolean expand) {
        item.setExpanded(expand);
        item.getChildren().forEach(c -> setExpanded(c, expand));
    }

    /** The nodes of all selected rows. */
    public List<LayerNode> selectedNodes() {
        return table.getSelectionModel().getSelectedItems().stream()
                .filter(i -> i != null).map(TreeItem::getValue).toList();
    }

    private void onKey(KeyEvent e) {
        if (e.getCode() == KeyCode.SPACE && !selectedNodes().isEmpty()) {
            selectedNodes().forEach(exportSelection::toggle);
            e.consume();
        }
    }

    private TreeTableColumn<LayerNode, LayerNode> nameColumn() {
        TreeTableColumn<LayerNode, LayerNode> c = new TreeTableColumn<>("Name");
        c.setId("nameColumn");
        c.setCellValueFactory(v -> new ReadOnlyObjectWrapper<>(v.getValue().getValue()));
        c.setCellFactory(col -> new NameCell(exportSelection));
        c.setPrefWidth(330);
        c.setComparator((a, b) -> a.name().compareToIgnoreCase(b.name()));
        return c;
    }

    private static TreeTableColumn<LayerNode, String> typeColumn() {
        TreeTableColumn<LayerNode, String> c = textColumn("Type", "typeColumn", 110, LayerTreeTable::typeText);
        c.getStyleClass().add("type-column");
        return c;
    }

    private static TreeTableColumn<LayerNode, String> shapeColumn() {
        TreeTableColumn<LayerNode, String> c = textColumn("Shape / value", "shapeColumn", 170,
                LayerTreeTable::shapeText);
        c.getStyleClass().add("shape-column");
        return c;
    }

    private static TreeTableColumn<LayerNode, Long> parametersColumn() {
        return numberColumn("Params", "parametersColumn", n -> n.aggregate().parameters(), Formats::count);
    }

    private static TreeTableColumn<LayerNode, Long> bytesColumn() {
        return numberColumn("Size", "bytesColumn", n -> n.aggregate().bytes(), Formats::bytes);
    }

    static String typeText(LayerNode n) {
        return switch (n.kind()) {
            case TENSOR -> n.typeName();
            case MODULE -> n.aggregate().byDType().size() == 1
                    ? n.aggregate().byDType().keySet().iterator().next().torchName() : "module";
            default -> n.typeName();
        };
    }

    static String shapeText(LayerNode n) {
        if (n.tensor().isPresent()) {
            return Formats.shape(n.tensor().get().shape());
        }
        if (n.kind() == LayerNode.Kind.VALUE) {
            return n.value().map(ValueText::shortText).orElse("");
        }
        if (n.kind() == LayerNode.Kind.MODULE || n.kind() == LayerNode.Kind.CONTAINER
                || n.kind() == LayerNode.Kind.ROOT) {
            long t = n.aggregate().tensors();
            int items = n.children().size();
            return t == 0 ? items + (items == 1 ? " item" : " items") : t + (t == 1 ? " tensor" : " tensors");
        }
        return "";
    }

    private static TreeTableColumn<LayerNode, String> textColumn(String title, String id, double width,
            Function<LayerNode, String> text) {
        TreeTableColumn<LayerNode, String> c = new TreeTableColumn<>(title);
        c.setId(id);
        c.setPrefWidth(width);
        c.setCellValueFactory(v -> new ReadOnlyObjectWrapper<>(text.apply(v.getValue().getValue())));
        return c;
    }

    private static TreeTableColumn<LayerNode, Long> numberColumn(String title, String id,
            Function<LayerNode, Long> value, Function<Long, String> format) {
        TreeTableColumn<LayerNode, Long> c = new TreeTableColumn<>(title);
        c.setId(id);
        c.setPrefWidth(110);
        c.getStyleClass().add("number-column");
        c.setCellValueFactory(v -> {
            LayerNode n = v.getValue().getValue();
            return new ReadOnlyObjectWrapper<>(n.aggregate().tensors() == 0 ? null : value.apply(n));
        });
        c.setCellFactory(col -> new javafx.scene.control.TreeTableCell<>() {
            @Override
            protected void updateItem(Long item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : format.apply(item));
            }
        });
        return c;
    }

    /** A row: style classes by kind, diff pseudo-classes, and a drag source of tensor keys. */
    private final class LayerRow extends TreeTableRow<LayerNode> {
        private static final PseudoClass MODULE = PseudoClass.getPseudoClass("module");
        private static final PseudoClass VALUE = PseudoClass.getPseudoClass("value");
        private static final PseudoClass CHECKED = PseudoClass.getPseudoClass("checked");

        LayerRow() {
            setOnDragDetected(e -> {
                if (getItem() == null) {
                    return;
                }
                ClipboardContent content = dragContent(isSelected() ? selectedNodes() : List.of(getItem()));
                if (content == null) {
                    return;
                }
                Dragboard db = startDragAndDrop(TransferMode.COPY);
                db.setContent(content);
                db.setDragView(snapshot(null, null));
                e.consume();
            });
        }

        @Override
        protected void updateItem(LayerNode item, boolean empty) {
            super.updateItem(item, empty);
            boolean has = !empty && item != null;
            pseudoClassStateChanged(MODULE, has && (item.kind() == LayerNode.Kind.MODULE
                    || item.kind() == LayerNode.Kind.CONTAINER || item.kind() == LayerNode.Kind.ROOT));
            pseudoClassStateChanged(VALUE, has && item.kind() == LayerNode.Kind.VALUE);
            pseudoClassStateChanged(CHECKED, has && exportSelection.state(item) == ExportSelection.State.ALL);
            DiffStatus status = has ? diffStatus.apply(item) : null;
            for (DiffStatus s : DiffStatus.values()) {
                pseudoClassStateChanged(PseudoClass.getPseudoClass(s.styleName()), s == status);
            }
        }
    }
}
