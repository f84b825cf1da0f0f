package org.ckptinspector.gui.training;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.ckptinspector.app.ErrorMessages;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.SlimExport;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.app.TrainingSummary;
import org.ckptinspector.app.ValueTree;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.detail.FactGrid;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.task.FxThread;

/**
 * The Contents tab: the training summary (epoch, step, loss, lr; model, optimizer and other sizes), the one-click
 * slim exports, and the checkpoint's non-tensor values as a searchable tree.
 */
public final class TrainingPane {
    private final Background background;
    private final Supplier<Window> owner;
    private final VBox summary = new VBox(8);
    private final HBox exports = new HBox(8);
    private final Label exportResult = new Label();
    private final TextField search = new TextField();
    private final TreeTableView<ValueTree> table = new TreeTableView<>();
    private final VBox root;
    private OpenedCheckpoint doc;
    private ValueTree values;

    /** @param owner the window file dialogs belong to */
    public TrainingPane(Background background, Supplier<Window> owner) {
        FxThread.check();
        this.background = background;
        this.owner = owner;
        search.setPromptText("Search values (key, path or value)");
        search.setId("contentsSearch");
        search.textProperty().addListener((obs, was, now) -> showValues());
        table.setId("contentsTable");
        table.setShowRoot(false);
        table.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Name", 0.34, ValueTree::name));
        table.getColumns().add(column("Value", 0.34, ValueTree::value));
        table.getColumns().add(column("Type", 0.32, ValueTree::type));
        table.setPlaceholder(placeholder("No values."));
        exportResult.setWrapText(true);
        exportResult.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        exportResult.managedProperty().bind(exportResult.textProperty().isNotEmpty());
        exportResult.setId("slimExportResult");
        exportResult.getStyleClass().add("link-meta");
        exports.setAlignment(Pos.CENTER_LEFT);
        VBox head = new VBox(10, DetailPane.section("Training", summary), exports, exportResult);
        head.getStyleClass().add("detail-content");
        VBox valuesBox = new VBox(6, search, table);
        valuesBox.setStyle("-fx-padding: 0 18 12 18;");
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox.setVgrow(valuesBox, Priority.ALWAYS);
        root = new VBox(head, valuesBox);
        root.setId("contentsPane");
        root.getStyleClass().add("detail-pane");
        show(null);
    }

    public VBox view() {
        return root;
    }

    public TextField searchField() {
        return search;
    }

    public TreeTableView<ValueTree> table() {
        return table;
    }

    /** Shows the training state and values of {@code opened} (nothing for null). */
    public void show(OpenedCheckpoint opened) {
        FxThread.check();
        doc = opened;
        exportResult.setText("");
        exports.getChildren().clear();
        if (opened == null) {
            summary.getChildren().setAll(placeholder("Open a checkpoint to see its training state."));
            values = null;
            showValues();
            return;
        }
        summary.getChildren().setAll(FactGrid.of(TrainingSummary.of(opened.checkpoint(), opened.training()).facts()));
        for (SlimExport kind : SlimExport.values()) {
            Button b = new Button(kind.title() + "…");
            b.setId(kind == SlimExport.MODEL_WEIGHTS ? "exportWeightsOnly" : "exportWithoutOptimizer");
            var why = kind.unavailable(opened.checkpoint(), opened.training());
            b.setDisable(why.isPresent());
            b.setTooltip(new Tooltip(why.map(w -> "Not available: " + w).orElse("Writes a .pth that "
                    + "torch.load(weights_only=True) reads: tensors only, " + kind.keys(opened.checkpoint(),
                    opened.training()).size() + " of them")));
            b.setOnAction(e -> chooseAndExport(kind));
            exports.getChildren().add(b);
        }
        values = ValueTree.of(opened.checkpoint().metadata(), "values");
        showValues();
    }

    private void showValues() {
        if (values == null) {
            table.setRoot(null);
            return;
        }
        ValueTree shown = values.filter(search.getText());
        boolean searching = !search.getText().isBlank();
        TreeItem<ValueTree> item = item(shown, searching);
        item.setExpanded(true);
        table.setRoot(item);
        table.setPlaceholder(placeholder(searching ? "No value matches “" + search.getText().strip() + "”."
                : "The file holds no values besides its tensors."));
    }

    /** Items for a tree; all open while searching, else the first level only. */
    private static TreeItem<ValueTree> item(ValueTree v, boolean expanded) {
        TreeItem<ValueTree> item = new TreeItem<>(v);
        for (ValueTree c : v.children()) {
            TreeItem<ValueTree> child = item(c, expanded);
            child.setExpanded(expanded);
            item.getChildren().add(child);
        }
        return item;
    }

    private void chooseAndExport(SlimExport kind) {
        if (doc == null) {
            return;
        }
        Path suggested = kind.suggestedOutput(doc.file());
        FileChooser c = new FileChooser();
        c.setTitle(kind.title());
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("PyTorch checkpoint", "*.pth", "*.pt"));
        if (suggested.getParent() != null && suggested.getParent().toFile().isDirectory()) {
            c.setInitialDirectory(suggested.getParent().toFile());
        }
        c.setInitialFileName(suggested.getFileName().toString());
        File f = c.showSaveDialog(owner.get());
        if (f != null) {
            export(kind, f.toPath());
        }
    }

    /** Writes the slim export of the shown checkpoint to {@code out} in the background. */
    public void export(SlimExport kind, Path out) {
        OpenedCheckpoint source = doc;
        if (source == null || kind.unavailable(source.checkpoint(), source.training()).isPresent()) {
            return;
        }
        exportResult.setText("Writing " + out.getFileName() + "…");
        background.run(kind.title() + " to " + out.getFileName(),
                m -> kind.write(source, out, TaskRunner.analysisThreads(), m), summary -> {
                    if (doc == source) {
                        exportResult.setText(summary + " torch.load(weights_only=True) reads it.");
                    }
                }, e -> {
                    if (doc == source) {
                        exportResult.setText("Nothing was written. " + ErrorMessages.of(e));
                    }
                }, () -> {
                    if (doc == source) {
                        exportResult.setText("Cancelled; nothing was written.");
                    }
                });
    }

    /** The text of the last export's outcome. */
    public String exportResult() {
        return exportResult.getText();
    }

    private static TreeTableColumn<ValueTree, String> column(String title, double share,
            java.util.function.Function<ValueTree, String> text) {
        TreeTableColumn<ValueTree, String> c = new TreeTableColumn<>(title);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(f.getValue().getValue() == null ? ""
                : text.apply(f.getValue().getValue())));
        c.setPrefWidth(share * 600);
        c.setSortable(false);
        return c;
    }

    static Label placeholder(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("placeholder");
        l.setWrapText(true);
        return l;
    }
}
