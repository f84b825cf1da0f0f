package org.ckptinspector.gui.detail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.layout.FlowPane;
import org.ckptinspector.app.ComparisonState;
import org.ckptinspector.app.DTypeBreakdown;
import org.ckptinspector.app.DamagedRows;
import org.ckptinspector.app.TreeColumnText;
import org.ckptinspector.app.Fact;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.TensorFacts;
import org.ckptinspector.app.UnsafeGlobals;
import org.ckptinspector.app.ValueText;
import org.ckptinspector.gui.task.FxThread;
import org.ckptinspector.model.TensorRef;
import org.controlsfx.control.BreadCrumbBar;

/**
 * The right-hand pane: what the selected row is. A tensor gets its properties and (through
 * {@link TensorSections}) statistics, histogram, values and heat map; a module its breakdown by dtype; the file
 * row the file's facts; a value its full text.
 */
public final class DetailPane {
    private final VBox header = new VBox(4);
    private final StackPane body = new StackPane();
    private final VBox root = new VBox(header, body);
    private final TensorSections sections;
    private final Consumer<LayerNode> navigate;
    private final java.util.function.Supplier<ComparisonState> comparisons;
    private ComparisonState comparison = new ComparisonState();
    private TreeColumnText columnText = new TreeColumnText(comparison);
    /** The id of the tab the user chose last, chosen again for the next tensor that has it. */
    private String chosenTab;
    /** The tabs of the tensor shown, or null. */
    private TabPane shownTabs;

    /**
     * @param sections builds the tensor tabs beyond the properties (statistics, values, heat map)
     * @param navigate selects a row in the tree (for "shares storage with" and the largest tensors)
     */
    public DetailPane(TensorSections sections, Consumer<LayerNode> navigate) {
        this(sections, navigate, ComparisonState::new);
    }

    /** @param comparisons the comparison in force, whose B side the pane shows beside A */
    public DetailPane(TensorSections sections, Consumer<LayerNode> navigate,
            java.util.function.Supplier<ComparisonState> comparisons) {
        FxThread.check();
        this.sections = sections;
        this.navigate = navigate;
        this.comparisons = comparisons;
        root.getStyleClass().add("detail-pane");
        root.setId("detailPane");
        header.getStyleClass().add("detail-header");
        VBox.setVgrow(body, Priority.ALWAYS);
        clear();
        root.sceneProperty().addListener((obs, was, scene) -> {
            if (scene != null) {
                scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, this::switchTab);
            }
        });
    }

    /** Ctrl+Tab and Ctrl+Shift+Tab go through the tensor's tabs wherever the focus is. */
    private void switchTab(javafx.scene.input.KeyEvent e) {
        if (e.getCode() != javafx.scene.input.KeyCode.TAB || !e.isShortcutDown() || shownTabs == null
                || shownTabs.getScene() == null) {
            return;
        }
        int n = shownTabs.getTabs().size();
        int i = shownTabs.getSelectionModel().getSelectedIndex();
        shownTabs.getSelectionModel().select(Math.floorMod(i + (e.isShiftDown() ? -1 : 1), n));
        e.consume();
    }

    public VBox view() {
        return root;
    }

    public void clear() {
        header.getChildren().clear();
        Label hint = new Label("Select a row to see its details.");
        hint.getStyleClass().add("placeholder");
        body.getChildren().setAll(hint);
    }

    /** Shows {@code node} of {@code doc}. */
    public void show(LayerNode node, OpenedCheckpoint doc) {
        FxThread.check();
        if (node == null || doc == null) {
            clear();
            return;
        }
        if (comparisons.get() != comparison) {
            comparison = comparisons.get();
            columnText = new TreeColumnText(comparison);
        }
        setHeader(node);
        var delta = doc.adapterRows().delta(node);
        if (delta.isPresent()) {
            showTensor(node, delta.get(), doc);
            return;
        }
        switch (node.kind()) {
            case TENSOR -> showTensor(node, node.tensor().orElseThrow(), doc);
            case VALUE -> body.getChildren().setAll(scroll(valueView(node)));
            case ROOT -> body.getChildren().setAll(doc.adapterFacts().isEmpty()
                    ? scroll(section("File", FactGrid.of(fileFacts(doc))), damage(node), breakdown(node))
                    : scroll(section("File", FactGrid.of(fileFacts(doc))), damage(node),
                            section("PEFT adapter", FactGrid.of(doc.adapterFacts())), breakdown(node)));
            default -> body.getChildren().setAll(scroll(breakdown(node)));
        }
    }

    private void setHeader(LayerNode node) {
        header.getChildren().setAll(path(node), title(node));
    }

    /** The rows from the file down to {@code node}; a click on one selects it in the tree. */
    private BreadCrumbBar<LayerNode> path(LayerNode node) {
        List<LayerNode> rows = new ArrayList<>();
        for (LayerNode n = node; n != null; n = n.parent().orElse(null)) {
            rows.add(0, n);
        }
        var bar = new BreadCrumbBar<>(BreadCrumbBar.buildTreeModel(rows.toArray(LayerNode[]::new)));
        bar.setCrumbFactory(item -> new BreadCrumbBar.BreadCrumbButton(item.getValue().name()));
        bar.setOnCrumbAction(e -> {
            if (e.getSelectedCrumb().getValue() != node) {
                navigate.accept(e.getSelectedCrumb().getValue());
            }
        });
        bar.setId("detailPath");
        bar.getStyleClass().add("detail-path");
        return bar;
    }

    private VBox title(LayerNode node) {
        Label title = new Label(node.kind() == LayerNode.Kind.ROOT ? node.name() : node.key());
        title.getStyleClass().add("detail-title");
        title.setId("detailTitle");
        title.setWrapText(true);
        FlowPane chips = new FlowPane(6, 4);
        chips.setId("detailChips");
        chips.getChildren().add(chip(kindText(node), "kind-chip"));
        if (node.tensor().isPresent()) {
            chips.getChildren().add(chip(columnText.type(node), "dtype-chip"));
            chips.getChildren().add(chip(columnText.shape(node), "shape-chip"));
        }
        if (node.aggregate().tensors() > 0) {
            chips.getChildren().add(chip(columnText.parameters(node), "plain-chip", " params"));
            chips.getChildren().add(chip(columnText.bytes(node), "plain-chip", ""));
        }
        String verdict = comparison.verdict(node);
        if (verdict != null) {
            chips.getChildren().add(chip("update: " + verdict, "verdict-chip"));
        }
        return new VBox(4, title, chips);
    }

    private static String kindText(LayerNode n) {
        return switch (n.kind()) {
            case ROOT -> "file";
            case MODULE -> "module";
            case CONTAINER -> n.typeName().isEmpty() ? "container" : n.typeName();
            case TENSOR -> "tensor";
            case VALUE -> n.typeName();
        };
    }

    private void showTensor(LayerNode node, TensorRef t, OpenedCheckpoint doc) {
        List<TensorRef> sharing = doc.sharing(t);
        TensorRef original = node.tensor().orElse(t);
        VBox overview = new VBox(16, properties(node, original, sharing));
        if (!sharing.isEmpty()) {
            overview.getChildren().add(links("Tensors sharing this storage", sharing.stream()
                    .flatMap(o -> doc.tree().find(n -> n.tensor().orElse(null) == o).stream()).toList()));
        }
        Tab overviewTab = new Tab("Overview", scroll(overview));
        overviewTab.setId("overviewTab");
        TabPane tabs = new TabPane(overviewTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getStyleClass().add("detail-tabs");
        tabs.setId("detailTabs");
        sections.addTo(tabs, overview, t, doc);
        tabs.getTabs().stream().filter(tab -> tab.getId() != null && tab.getId().equals(chosenTab)).findFirst()
                .ifPresent(tab -> tabs.getSelectionModel().select(tab));
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, was, tab) ->
                chosenTab = tab == null ? null : tab.getId());
        ScaleSwitch.of(original, t, shown -> showTensor(node, shown, doc))
                .ifPresent(sw -> overview.getChildren().add(0, sw));
        List<Fact> module = doc.adapterRows().facts(node);
        if (!module.isEmpty()) {
            overview.getChildren().add(0, section("LoRA module  ·  statistics below are of ΔW = scale·B·A",
                    FactGrid.of(module)));
        }
        body.getChildren().setAll(tabs);
        shownTabs = tabs;
    }

    /** A tensor's properties; in Compare mode beside its counterpart's in B. */
    private Node properties(LayerNode node, TensorRef t, List<TensorRef> sharing) {
        ComparisonState.Sides sides = comparison.sides(node);
        if (sides == null) {
            return section("Properties", FactGrid.of(TensorFacts.of(t, sharing)));
        }
        boolean onlyB = sides.a().tensors() == 0;
        TensorRef b = onlyB ? t : comparison.counterpart(node);
        return section("Properties  ·  A beside B", FactGrid.ofSides(TensorFacts.sideBySide(onlyB ? null : t, b)));
    }

    /** The file's tensors with warnings, each a link to its row; nothing for a sound file. */
    private Node damage(LayerNode root) {
        DamagedRows damaged = DamagedRows.of(root);
        if (damaged.tensors().isEmpty()) {
            return new VBox();
        }
        VBox list = new VBox(2);
        for (LayerNode n : damaged.tensors().subList(0, Math.min(8, damaged.tensors().size()))) {
            javafx.scene.control.Hyperlink link = new javafx.scene.control.Hyperlink(n.key());
            link.getStyleClass().add("tensor-link");
            link.setOnAction(e -> navigate.accept(n));
            Label why = new Label(damaged.reason(n));
            why.getStyleClass().addAll("link-meta", "fact-problem");
            why.setWrapText(true);
            list.getChildren().add(new VBox(0, link, why));
        }
        int n = damaged.tensors().size();
        Label head = new Label(n + (n == 1 ? " tensor has" : " tensors have") + " warnings; their rows carry ⚠.");
        head.getStyleClass().add("fact-problem");
        head.setId("damageLine");
        VBox box = new VBox(6, head, list);
        return section("Warnings", box);
    }

    private Node valueView(LayerNode node) {
        TextArea text = new TextArea(node.value().map(ValueText::shortText).orElse(""));
        text.setEditable(false);
        text.setWrapText(true);
        text.setPrefRowCount(6);
        text.getStyleClass().add("value-text");
        return section("Value", text);
    }

    private Node breakdown(LayerNode node) {
        VBox box = new VBox(16);
        if (node.aggregate().tensors() == 0) {
            Label l = new Label(node.children().size() + " entries, no tensors.");
            l.getStyleClass().add("placeholder");
            box.getChildren().add(section(node.typeName().isEmpty() ? "Contents" : node.typeName(), l));
            return box;
        }
        ComparisonState.Sides sides = comparison.sides(node);
        if (sides == null) {
            box.getChildren().add(section("By dtype", new DTypeTable(DTypeBreakdown.of(node.aggregate())).view()));
        } else {
            box.getChildren().add(section("By dtype in A", new DTypeTable(DTypeBreakdown.of(sides.a())).view()));
            box.getChildren().add(section("By dtype in B", new DTypeTable(DTypeBreakdown.of(sides.b())).view()));
        }
        List<LayerNode> largest = new ArrayList<>();
        collectTensors(node, largest);
        largest.sort(Comparator.comparingLong((LayerNode n) -> n.aggregate().bytes()).reversed());
        box.getChildren().add(links("Largest tensors", largest.subList(0, Math.min(8, largest.size()))));
        return box;
    }

    private static void collectTensors(LayerNode n, List<LayerNode> out) {
        if (n.tensor().isPresent()) {
            out.add(n);
        }
        n.children().forEach(c -> collectTensors(c, out));
    }

    private Node links(String title, List<LayerNode> nodes) {
        VBox list = new VBox(2);
        for (LayerNode n : nodes) {
            javafx.scene.control.Hyperlink link = new javafx.scene.control.Hyperlink(n.key());
            link.getStyleClass().add("tensor-link");
            link.setOnAction(e -> navigate.accept(n));
            Label meta = new Label(n.tensor().map(t -> t.dtype().torchName() + "  " + Formats.shape(t.shape()))
                    .orElse("") + "  " + Formats.bytes(n.aggregate().bytes()));
            meta.getStyleClass().add("link-meta");
            // The figures follow the key on its line when they fit, else go below it; a key longer than the
            // pane is cut short rather than clipped.
            FlowPane row = new FlowPane(8, 0, link, meta);
            row.setRowValignment(VPos.CENTER);
            link.maxWidthProperty().bind(row.widthProperty());
            list.getChildren().add(row);
        }
        return section(title, list);
    }

    private static List<Fact> fileFacts(OpenedCheckpoint doc) {
        var c = doc.checkpoint();
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("path", c.file().toAbsolutePath().toString()));
        f.add(new Fact("format", c.format().id()));
        c.folderRef().ifPresent(folder -> f.add(new Fact("folder", folder.kind().id() + ": " + folder.parts().stream()
                .map(p -> p.name()).collect(java.util.stream.Collectors.joining(", ")))));
        try {
            long size = 0;
            for (Path p : c.folderRef().map(folder -> folder.parts().stream().map(part -> c.file().resolve(part.name()))
                    .toList()).orElse(List.of(c.file()))) {
                size += Files.size(p);
            }
            f.add(new Fact(c.folderRef().isPresent() ? "folder size" : "file size", Formats.bytes(size)));
        } catch (java.io.IOException e) {
            f.add(new Fact("file size", "unknown"));
        }
        f.add(new Fact("tensors", Formats.count(c.tensors().size())));
        f.add(new Fact("storages", Formats.count(doc.storageUsers().size())));
        f.add(new Fact("globals", doc.globals().isEmpty() ? "none" : String.join(", ", doc.globals())));
        int unsafe = UnsafeGlobals.of(doc.globals()).size();
        f.add(new Fact("unsafe globals", unsafe == 0 ? "none" : Integer.toString(unsafe)));
        for (String w : c.warnings()) {
            f.add(new Fact("problem", w));
        }
        return f;
    }

    public static VBox section(String title, Node content) {
        Label l = new Label(title);
        l.getStyleClass().add("section-title");
        VBox box = new VBox(8, l, content);
        box.getStyleClass().add("detail-section");
        return box;
    }

    private static Label chip(String text, String style) {
        Label l = new Label(text);
        l.getStyleClass().addAll("chip", style);
        return l;
    }

    /** A chip with a compact value, the exact one as tooltip. */
    private static Label chip(TreeColumnText.Cell cell, String style, String unit) {
        Label l = chip(cell.text() + unit, style);
        if (cell.exact() != null) {
            l.setTooltip(new javafx.scene.control.Tooltip(cell.exact()));
        }
        return l;
    }

    private static Label chip(TreeColumnText.Cell cell, String style) {
        return chip(cell, style, "");
    }

    public static ScrollPane scroll(Node... content) {
        VBox box = new VBox(18, content);
        box.getStyleClass().add("detail-content");
        ScrollPane s = new ScrollPane(box);
        s.setFitToWidth(true);
        s.getStyleClass().add("detail-scroll");
        return s;
    }
}
