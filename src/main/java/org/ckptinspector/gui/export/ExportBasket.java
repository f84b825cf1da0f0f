package org.ckptinspector.gui.export;

import java.util.Arrays;
import java.util.function.Supplier;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.SetChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.gui.icons.Icon;
import org.ckptinspector.gui.task.Coalesced;
import org.ckptinspector.gui.task.FxThread;

/**
 * The export basket: the tensors chosen for export, filled by ticking rows, dragging rows here, or "select by
 * regex". Delete removes the selected entries; the Export button opens the export dialog.
 */
public final class ExportBasket {
    private final ExportSelection selection;
    private final ObservableList<String> items = FXCollections.observableArrayList();
    private final ListView<String> list = new ListView<>(items);
    private final Label title = new Label();
    private final Label hint = new Label("Tick rows (Space), drag them here, or select by regex.");
    private final VBox box;

    /**
     * @param root the tree whose tensors "select by regex" searches
     * @param export opens the export dialog
     */
    public ExportBasket(ExportSelection selection, Supplier<LayerNode> root, Runnable export) {
        FxThread.check();
        this.selection = selection;
        list.setId("exportBasketList");
        list.getStyleClass().add("basket-list");
        list.setPrefHeight(96);
        list.setMinHeight(60);
        list.setPlaceholder(new Label("Tick rows, drag them here, or select by regex."));
        list.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.MULTIPLE);
        list.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
                list.getSelectionModel().getSelectedItems().stream().toList().forEach(selection::remove);
            }
        });
        title.getStyleClass().add("section-title");
        Button byRegex = new Button("Select by regex…");
        byRegex.setId("selectByRegex");
        byRegex.getStyleClass().add("small-button");
        byRegex.setOnAction(e -> askRegex(root.get()));
        Button clear = new Button("Clear");
        clear.getStyleClass().add("small-button");
        clear.setOnAction(e -> selection.clear());
        Button exportButton = new Button("Export…", Icon.EXPORT.node(13));
        exportButton.setId("basketExport");
        exportButton.getStyleClass().addAll("small-button", "primary-button");
        exportButton.setTooltip(new Tooltip("Export the chosen tensors (Ctrl+E)"));
        exportButton.setOnAction(e -> export.run());
        exportButton.disableProperty().bind(javafx.beans.binding.Bindings.isEmpty(items));
        title.setMinWidth(Region.USE_PREF_SIZE);
        HBox named = new HBox(8, Icon.BASKET.node(14), title);
        named.setAlignment(Pos.CENTER_LEFT);
        HBox buttons = new HBox(8, byRegex, clear, exportButton);
        buttons.getChildren().forEach(b -> ((Region) b).setMinWidth(Region.USE_PREF_SIZE));
        buttons.setAlignment(Pos.CENTER_LEFT);
        // The buttons go under the title when the pane is too narrow for both on one line.
        javafx.scene.layout.FlowPane head = new javafx.scene.layout.FlowPane(16, 6, named, buttons);
        head.setAlignment(Pos.CENTER_LEFT);
        hint.getStyleClass().add("link-meta");
        box = new VBox(8, head, hint, list);
        box.getStyleClass().add("export-basket");
        box.setId("exportBasket");
        // One refresh for all the keys a tick adds: the set reports them one by one.
        Coalesced refresher = new Coalesced(this::refresh);
        selection.keys().addListener((SetChangeListener<String>) c -> refresher.request());
        installDropTarget();
        refresh();
    }

    public VBox view() {
        return box;
    }

    private void refresh() {
        items.setAll(selection.keys());
        int n = items.size();
        list.setVisible(n > 0);
        list.setManaged(n > 0);
        hint.setVisible(n == 0);
        hint.setManaged(n == 0);
        title.setText("EXPORT BASKET  ·  " + (n == 0 ? "empty" : n + (n == 1 ? " tensor" : " tensors")));
    }

    private void installDropTarget() {
        box.addEventHandler(DragEvent.DRAG_OVER, e -> {
            if (e.getDragboard().hasContent(ExportSelection.TENSOR_KEYS)) {
                e.acceptTransferModes(TransferMode.COPY);
                box.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("drop"), true);
                e.consume();
            }
        });
        box.addEventHandler(DragEvent.DRAG_EXITED, e ->
                box.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("drop"), false));
        box.addEventHandler(DragEvent.DRAG_DROPPED, e -> {
            Object keys = e.getDragboard().getContent(ExportSelection.TENSOR_KEYS);
            if (keys instanceof String s && !s.isEmpty()) {
                selection.add(Arrays.asList(s.split("\n")));
                e.setDropCompleted(true);
                e.consume();
            }
            box.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("drop"), false);
        });
    }

    /** How many tensors a regex being typed finds, or why it is not a regex yet. */
    static String matchCount(LayerNode root, String regex) {
        if (regex.isEmpty()) {
            return "Type a regex; the count of tensors it finds shows here.";
        }
        try {
            int n = ExportSelection.matching(root, regex).size();
            return n + (n == 1 ? " tensor matches" : " tensors match");
        } catch (java.util.regex.PatternSyntaxException e) {
            return "Not a regex yet: " + e.getDescription();
        }
    }

    private void askRegex(LayerNode root) {
        if (root == null) {
            return;
        }
        TextInputDialog d = new TextInputDialog("");
        d.setTitle("Select by regex");
        d.setHeaderText("Add every tensor whose key the regex finds (Java syntax, e.g. ^encoder\\..*weight$)");
        d.initOwner(box.getScene().getWindow());
        d.getDialogPane().getStylesheets().addAll(box.getScene().getStylesheets());
        d.getDialogPane().setId("regexDialog");
        Label count = new Label();
        count.setId("regexMatchCount");
        count.getStyleClass().add("link-meta");
        javafx.scene.Node field = d.getDialogPane().getContent();
        d.getDialogPane().setContent(new VBox(8, field, count));
        Runnable recount = () -> count.setText(matchCount(root, d.getEditor().getText()));
        d.getEditor().textProperty().addListener((obs, was, now) -> recount.run());
        recount.run();
        d.getDialogPane().lookupButton(javafx.scene.control.ButtonType.OK).disableProperty()
                .bind(d.getEditor().textProperty().isEmpty());
        d.showAndWait().ifPresent(regex -> {
            try {
                selection.selectByRegex(root, regex);
            } catch (java.util.regex.PatternSyntaxException ex) {
                javafx.scene.control.Alert a = new javafx.scene.control.Alert(
                        javafx.scene.control.Alert.AlertType.ERROR, "Invalid regex: " + ex.getDescription());
                a.initOwner(box.getScene().getWindow());
                a.show();
            }
        });
    }
}
