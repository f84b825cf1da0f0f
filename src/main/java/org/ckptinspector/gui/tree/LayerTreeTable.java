package org.ckptinspector.gui.tree;

import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.SetChangeListener;
import javafx.css.PseudoClass;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.Tooltip;
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
import org.ckptinspector.app.ComparisonState;
import org.ckptinspector.app.DamagedRows;
import org.ckptinspector.app.DiffStatus;
import org.ckptinspector.app.FilteredTree;
import org.ckptinspector.app.TreeColumnText;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.task.Coalesced;
import org.ckptinspector.gui.task.FxThread;

/**
 * The layer tree: a TreeTableView over {@link LayerNode}s with name, dtype, shape, parameter and size columns,
 * export check boxes, optional diff marks, and rows that can be dragged (as tensor keys) into the export basket.
 * Space ticks the selected rows; the arrow keys browse as in any tree.
 *
 * <p>The rows of a new tree can be built off the FX thread ({@link #prepare}) and shown in one step. Ticks and
 * diff marks change the rows on screen in place, once per burst of changes, rather than through
 * {@code refresh()}, which throws every cell away and builds and styles them all again.
 */
public final class LayerTreeTable {

    private final TreeTableView<LayerNode> table = new TreeTableView<>();
    private final ReadOnlyObjectWrapper<LayerNode> selected = new ReadOnlyObjectWrapper<>();
    private final ExportSelection exportSelection;
    private final TreeTableColumn<LayerNode, LayerNode> statusColumn = new TreeTableColumn<>("");
    private final Set<Marked> liveCells = Collections.newSetFromMap(new WeakHashMap<>());
    private final Coalesced marksChanged = new Coalesced(this::updateMarks);
    private Set<LayerNode> expanded = expansionSet();
    private Function<LayerNode, DiffStatus> diffStatus = n -> null;
    private TreeColumnText columnText = new TreeColumnText(new ComparisonState());
    private final TreeTableColumn<LayerNode, LayerNode> verdictColumn;
    private final ColumnFit columnFit;
    private DamagedRows damaged = DamagedRows.none();
    private Function<List<LayerNode>, List<java.io.File>> dragFiles = n -> List.of();
    private LayerNode root;
    private FilteredTree filtered;

    /** A cell or row that shows ticks or diff marks and can show them again for the same item. */
    interface Marked {
        void updateMarks();
    }

    /**
     * The rows of a tree under a filter, with the default expansion; built on any thread, shown by
     * {@link #show(Rows)} on the FX thread.
     */
    public static final class Rows {
        private final LayerNode tree;
        private final FilteredTree filtered;
        private final Set<LayerNode> expanded;
        private final TreeItem<LayerNode> root;
        private final DamagedRows damaged;

        private Rows(LayerNode tree, FilteredTree filtered, Set<LayerNode> expanded, TreeItem<LayerNode> root) {
            this.tree = tree;
            this.filtered = filtered;
            this.expanded = expanded;
            this.root = root;
            this.damaged = DamagedRows.of(tree);
        }

        /** The tree these rows show. */
        public LayerNode tree() {
            return tree;
        }
    }

    public LayerTreeTable(ExportSelection exportSelection) {
        FxThread.check();
        this.exportSelection = exportSelection;
        table.setId("layerTree");
        table.getStyleClass().add("layer-tree");
        table.setShowRoot(true);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setColumnResizePolicy(TreeTableView.UNCONSTRAINED_RESIZE_POLICY);
        TreeTableColumn<LayerNode, LayerNode> name = nameColumn();
        List<ColumnFit.Sized> valueColumns = List.of(
                textColumn("Type", "typeColumn", "type-column", false, n -> columnText.type(n)),
                textColumn("Shape / value", "shapeColumn", "shape-column", false, n -> columnText.shape(n)),
                textColumn("Params", "parametersColumn", "number-column", true, n -> columnText.parameters(n)),
                textColumn("Size", "bytesColumn", "number-column", true, n -> columnText.bytes(n)),
                textColumn("Update", "verdictColumn", "verdict-column", false, n -> columnText.verdict(n)));
        verdictColumn = column(valueColumns.get(4));
        verdictColumn.setVisible(false);
        verdictColumn.setSortable(false);
        sortBy(valueColumns.get(2), n -> n.aggregate().parameters());
        sortBy(valueColumns.get(3), n -> n.aggregate().bytes());
        // The verdict, shown only when comparing, comes right after the name: the column that says what changed
        // stays in view however many A → B columns follow.
        List<TreeTableColumn<LayerNode, ?>> columns = new java.util.ArrayList<>(List.of(statusColumn, name,
                verdictColumn));
        valueColumns.stream().map(ColumnFit.Sized::column).filter(c -> c != verdictColumn).forEach(columns::add);
        table.getColumns().setAll(columns);
        table.setTreeColumn(name);
        columnFit = new ColumnFit(table, name, valueColumns, n -> damaged.reason(n) != null);
        statusColumn.setVisible(false);
        statusColumn.setId("statusColumn");
        statusColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue()));
        Map<DiffStatus, Tooltip> statusTips = new EnumMap<>(DiffStatus.class);
        statusColumn.setCellFactory(c -> track(new StatusCell(() -> diffStatus, statusTips)));
        // The 12 px mark and the cells' padding, no more: at 1024 px every pixel of the tree counts.
        statusColumn.setPrefWidth(24);
        statusColumn.setMinWidth(24);
        statusColumn.setMaxWidth(24);
        statusColumn.setSortable(false);
        statusColumn.setResizable(false);
        table.setRowFactory(t -> track(new LayerRow()));
        table.getSelectionModel().selectedItemProperty().addListener((obs, was, item) ->
                selected.set(item == null ? null : item.getValue()));
        table.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);
        exportSelection.keys().addListener((SetChangeListener<String>) c -> marksChanged.request());
        table.setPlaceholder(new javafx.scene.control.Label("No rows match the filter."));
    }

    private <C extends Marked> C track(C cell) {
        liveCells.add(cell);
        return cell;
    }

    public TreeTableView<LayerNode> view() {
        return table;
    }

    /** The row the user selected last (the detail pane shows it). */
    public ReadOnlyObjectProperty<LayerNode> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    /** Builds the rows of {@code tree} under {@code filtered}, expanded by the default policy; any thread. */
    public static Rows prepare(LayerNode tree, FilteredTree filtered) {
        Set<LayerNode> expanded = expansionSet();
        defaultExpansion(tree, 0, expanded);
        return new Rows(tree, filtered, expanded, item(tree, filtered, false, expanded));
    }

    /** Shows no tree. */
    public void clear() {
        root = null;
        filtered = null;
        expanded = expansionSet();
        table.setRoot(null);
    }

    /**
     * Gives the empty table up to {@code more} placeholder rows, selecting none, so that it makes their rows and
     * cells (with their skins and styles) now: for a table in the window but hidden while the start screen
     * shows, so that the first tree shown reuses them instead of making them while the user waits. Never more
     * rows than fit, as a scroll bar would change how the columns share the width.
     *
     * @return whether there is room for more
     */
    public boolean prime(int more) {
        if (root != null) {
            return false;
        }
        TreeItem<LayerNode> top = table.getRoot();
        if (top == null) {
            top = new TreeItem<>(LayerNode.emptyRoot());
            top.setExpanded(true);
            table.setRoot(top);
        }
        double rowHeight = table.getFixedCellSize() > 0 ? table.getFixedCellSize() : 24;
        int room = (int) (table.getHeight() / rowHeight) - 3;
        int n = Math.min(more, room - top.getChildren().size());
        for (int i = 0; i < n; i++) {
            int k = top.getChildren().size();
            LayerNode.Kind kind = k % 2 == 0 ? LayerNode.Kind.MODULE : LayerNode.Kind.VALUE;
            top.getChildren().add(new TreeItem<>(top.getValue().addPlaceholder("row" + k, kind)));
        }
        table.getSelectionModel().clearSelection();
        return top.getChildren().size() < room;
    }

    /** Shows rows made by {@link #prepare}, selecting the first; rows expand as the user left them after. */
    public void show(Rows rows) {
        take(rows);
        table.getSelectionModel().clearSelection();
        if (table.getRoot() != null) {
            table.getSelectionModel().select(0);
            table.getFocusModel().focus(0);
        }
    }

    /**
     * Shows rows made by {@link #prepare} for another tree of the same file (the merged tree of a comparison, or
     * the file's own tree after one), keeping the view: the rows with the keys the user had expanded stay
     * expanded, and the row with the selected key stays selected (else the first row).
     */
    public void showKeepingView(Rows rows) {
        ViewState.of(table, expanded).applyTo(rows.root, rows.expanded);
        LayerNode keep = selected.get();
        take(rows);
        LayerNode same = keep == null ? null : ViewState.findKey(rows.root, keep.key());
        if (same == null || !select(same)) {
            table.getSelectionModel().clearAndSelect(0);
            table.getFocusModel().focus(0);
        }
    }

    private void take(Rows rows) {
        root = rows.tree;
        filtered = rows.filtered;
        expanded = rows.expanded;
        damaged = rows.damaged;
        table.setRoot(rows.root);
        columnFit.fit(root, filtered, verdictColumn.isVisible());
    }

    /** The rows with warnings of the tree shown. */
    public DamagedRows damaged() {
        return damaged;
    }

    /** Applies a filter: all visible rows expand while filtering, the user's expansion returns after. */
    public void applyFilter(FilteredTree filtered, boolean filtering) {
        LayerNode keep = selected.get();
        this.filtered = filtered;
        rebuild(filtering);
        if (keep != null) {
            select(keep);
        }
    }

    /**
     * Marks rows with a diff status (null: no comparison); with marks, the value columns show both sides of the
     * comparison given to {@link #showSidesOf} and the update verdict column shows.
     */
    public void setDiffStatus(Function<LayerNode, DiffStatus> status) {
        diffStatus = status == null ? n -> null : status;
        statusColumn.setVisible(status != null);
        verdictColumn.setVisible(status != null);
        marksChanged.request();
        columnFit.fit(root, filtered, status != null);
    }

    /**
     * The comparison whose two sides the value columns show (as {@code A → B}) while it is active; outside diff
     * mode it is empty and the columns show the file's own values.
     */
    public void showSidesOf(ComparisonState comparison) {
        columnText = new TreeColumnText(comparison);
        marksChanged.request();
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

    private static Set<LayerNode> expansionSet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    private static void defaultExpansion(LayerNode n, int depth, Set<LayerNode> expanded) {
        boolean onlyChild = n.parent().map(p -> p.children().size() == 1).orElse(true);
        if (!n.isLeaf() && (depth < 2 || onlyChild && depth < 8)) {
            expanded.add(n);
            for (LayerNode c : n.children()) {
                defaultExpansion(c, depth + 1, expanded);
            }
        }
    }

    private void rebuild(boolean expandAll) {
        table.setRoot(root == null ? null : item(root, filtered, expandAll, expanded));
    }

    private static TreeItem<LayerNode> item(LayerNode n, FilteredTree filtered, boolean expandAll,
            Set<LayerNode> expanded) {
        TreeItem<LayerNode> item = new TreeItem<>(n);
        List<LayerNode> kids = filtered.children(n);
        if (!kids.isEmpty()) {
            @SuppressWarnings("unchecked")
            TreeItem<LayerNode>[] items = new TreeItem[kids.size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = item(kids.get(i), filtered, expandAll, expanded);
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

    /** Shows the ticks and diff marks again on the rows that exist, keeping the cells. */
    private void updateMarks() {
        List.copyOf(liveCells).forEach(Marked::updateMarks);
    }

    /**
     * Files a drag of rows carries besides their keys, for drops outside the app (see
     * {@link org.ckptinspector.gui.export.DragOut}); none by default.
     */
    public void setDragFiles(Function<List<LayerNode>, List<java.io.File>> files) {
        dragFiles = files;
    }

    /** What a drag of these rows carries: their keys ({@link #dragContent}) and the drag-out files; or null. */
    public ClipboardContent rowDragContent(List<LayerNode> nodes) {
        ClipboardContent content = dragContent(nodes);
        if (content != null) {
            List<java.io.File> files = dragFiles.apply(nodes);
            if (!files.isEmpty()) {
                content.putFiles(files);
            }
        }
        return content;
    }

    /** What dragging these rows carries: the keys of their tensors (also as text); null when they have none. */
    public static ClipboardContent dragContent(List<LayerNode> nodes) {
        Set<String> keys = new LinkedHashSet<>();
        nodes.forEach(n -> keys.addAll(ExportSelection.keysBelow(n)));
        if (keys.isEmpty()) {
            return null;
        }
        ClipboardContent content = new ClipboardContent();
        content.put(ExportSelection.TENSOR_KEYS, String.join("\n", keys));
        content.putString(String.join("\n", keys));
        return content;
    }

    /**
     * Expands or collapses every row (the root stays open). The rows are built anew, expanded as asked, and
     * shown in one step: expanding thousands of rows one by one would relayout the tree after each.
     */
    public void expandAll(boolean expand) {
        if (root == null) {
            return;
        }
        LayerNode keep = selected.get();
        expanded.clear();
        if (expand) {
            addInner(root, expanded);
        } else {
            expanded.add(root);
        }
        rebuild(false);
        TreeItem<LayerNode> item = find(table.getRoot(), keep);
        while (item != null && !shown(item)) {
            item = item.getParent();
        }
        if (item != null) {
            select(item.getValue());
        }
    }

    private static boolean shown(TreeItem<LayerNode> item) {
        for (TreeItem<LayerNode> p = item.getParent(); p != null; p = p.getParent()) {
            if (!p.isExpanded()) {
                return false;
            }
        }
        return true;
    }

    private static void addInner(LayerNode n, Set<LayerNode> out) {
        if (!n.isLeaf()) {
            out.add(n);
            n.children().forEach(c -> addInner(c, out));
        }
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
        Tooltip key = new Tooltip();
        c.setCellFactory(col -> track(new NameCell(exportSelection, n -> damaged.reason(n), key)));
        c.setPrefWidth(330);
        c.setComparator((a, b) -> a.name().compareToIgnoreCase(b.name()));
        return c;
    }

    private ColumnFit.Sized textColumn(String title, String id, String style, boolean stepsAside,
            Function<LayerNode, TreeColumnText.Cell> text) {
        TreeTableColumn<LayerNode, LayerNode> c = new TreeTableColumn<>(title);
        c.setId(id);
        c.getStyleClass().add(style);
        c.setPrefWidth(90);
        c.setCellValueFactory(v -> new ReadOnlyObjectWrapper<>(v.getValue().getValue()));
        Tooltip tip = new Tooltip();
        c.setCellFactory(col -> track(new ColumnTextCell(text, tip)));
        c.setComparator(java.util.Comparator.comparing(n -> text.apply(n).text()));
        return new ColumnFit.Sized(c, text, stepsAside);
    }

    @SuppressWarnings("unchecked")
    private static TreeTableColumn<LayerNode, LayerNode> column(ColumnFit.Sized s) {
        return (TreeTableColumn<LayerNode, LayerNode>) s.column();
    }

    private static void sortBy(ColumnFit.Sized s, java.util.function.ToLongFunction<LayerNode> value) {
        column(s).setComparator(java.util.Comparator.comparingLong(value));
    }

    /** A row: style classes by kind, diff pseudo-classes, and a drag source of tensor keys. */
    private final class LayerRow extends TreeTableRow<LayerNode> implements Marked {
        private static final PseudoClass MODULE = PseudoClass.getPseudoClass("module");
        private static final PseudoClass VALUE = PseudoClass.getPseudoClass("value");
        private static final PseudoClass CHECKED = PseudoClass.getPseudoClass("checked");
        private static final PseudoClass[] STATUS = java.util.Arrays.stream(DiffStatus.values())
                .map(s -> PseudoClass.getPseudoClass(s.styleName())).toArray(PseudoClass[]::new);

        LayerRow() {
            setOnDragDetected(e -> {
                if (getItem() == null) {
                    return;
                }
                ClipboardContent content = rowDragContent(isSelected() ? selectedNodes() : List.of(getItem()));
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
            updateMarks();
        }

        @Override
        public void updateMarks() {
            LayerNode item = isEmpty() ? null : getItem();
            pseudoClassStateChanged(CHECKED, item != null && exportSelection.state(item) == ExportSelection.State.ALL);
            DiffStatus status = item == null ? null : diffStatus.apply(item);
            for (DiffStatus s : DiffStatus.values()) {
                pseudoClassStateChanged(STATUS[s.ordinal()], s == status);
            }
        }
    }
}
