package org.ckptinspector.gui.export;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.concurrent.Task;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.ckptinspector.app.ErrorMessages;
import org.ckptinspector.app.ExportOutcome;
import org.ckptinspector.app.RenamePreview;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportPlanner;
import org.ckptinspector.export.ExportResult;
import org.ckptinspector.gui.icons.Icon;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.task.MonitoredTask;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.controlsfx.control.Notifications;

/**
 * The export dialog: rename rules with a live preview of the output keys (collisions flagged), format, dtype
 * and verification options, the output file; then progress with cancel, and a summary of what was written
 * and verified, with a button to open the result.
 */
public final class ExportDialog {
    private static final PseudoClass PROBLEM = PseudoClass.getPseudoClass("problem");

    private final ExportForm form;
    private final Checkpoint source;
    private final Background background;
    private final Consumer<Path> openResult;
    private final Stage stage = new Stage();
    private final TableView<RenamePreview.Row> preview = new TableView<>();
    private final Label previewSummary = new Label();
    private final VBox ruleRows = new VBox(6);
    private final Label problem = new Label();
    private final ProgressBar progress = new ProgressBar(0);
    private final Label progressText = new Label();
    private final Label result = new Label();
    private final Button exportButton = new Button("Export");
    private final Button cancelButton = new Button("Cancel");
    private final Button openButton = new Button("Open exported file");
    private Task<ExportResult> running;

    public ExportDialog(Window owner, Checkpoint source, List<String> keys, Background background,
            Consumer<Path> openResult) {
        this.source = source;
        this.background = background;
        this.openResult = openResult;
        this.form = new ExportForm(keys, source.file());
        stage.initOwner(owner);
        stage.setTitle("Export " + keys.size() + (keys.size() == 1 ? " tensor" : " tensors"));
        VBox root = new VBox(16, header(), options(), rules(), previewSection(), footer());
        root.getStyleClass().add("export-dialog");
        root.setId("exportDialog");
        VBox.setVgrow(preview, Priority.ALWAYS);
        Scene scene = new Scene(root, 760, 720);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        }
        scene.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE && running == null) {
                stage.close();
            }
        });
        stage.setScene(scene);
        form.rules().addListener((javafx.collections.ListChangeListener<RuleText>) c -> update());
        form.formatProperty().addListener((o, a, b) -> update());
        form.outputProperty().addListener((o, a, b) -> update());
        update();
    }

    public ExportForm form() {
        return form;
    }

    public Stage stage() {
        return stage;
    }

    public void show() {
        stage.show();
    }

    private VBox header() {
        Label title = new Label("Export " + form.keys().size() + (form.keys().size() == 1 ? " tensor" : " tensors"));
        title.getStyleClass().add("dialog-title");
        Label from = new Label("from " + source.file().getFileName() + ". Written to a temporary file, checked, "
                + "then moved into place; the source is never changed.");
        from.getStyleClass().add("link-meta");
        from.setWrapText(true);
        return new VBox(4, title, from);
    }

    private GridPane options() {
        TextField output = new TextField();
        output.setId("exportOutput");
        output.textProperty().bindBidirectional(form.outputProperty(), new StringConverter<>() {
            @Override
            public String toString(Path p) {
                return p == null ? "" : p.toString();
            }

            @Override
            public Path fromString(String s) {
                return s == null || s.isBlank() ? null : Path.of(s.strip());
            }
        });
        HBox.setHgrow(output, Priority.ALWAYS);
        Button browse = new Button("Browse…");
        browse.getStyleClass().add("small-button");
        browse.setOnAction(e -> browse());
        ComboBox<ExportFormat> format = new ComboBox<>(FXCollections.observableArrayList(ExportFormat.values()));
        format.setId("exportFormat");
        format.valueProperty().bindBidirectional(form.formatProperty());
        format.setConverter(new StringConverter<>() {
            @Override
            public String toString(ExportFormat f) {
                return f == ExportFormat.PTH ? ".pth  (torch.load, weights_only=True)" : ".safetensors";
            }

            @Override
            public ExportFormat fromString(String s) {
                return null;
            }
        });
        List<DType> targets = new ArrayList<>();
        targets.add(null);
        ExportPlanner.conversionTargets().stream().sorted().forEach(targets::add);
        ComboBox<DType> dtype = new ComboBox<>(FXCollections.observableArrayList(targets));
        dtype.setId("exportDtype");
        dtype.valueProperty().bindBidirectional(form.dtypeProperty());
        dtype.setConverter(new StringConverter<>() {
            @Override
            public String toString(DType d) {
                return d == null ? "keep each tensor's dtype" : "convert floats to " + d.torchName();
            }

            @Override
            public DType fromString(String s) {
                return null;
            }
        });
        CheckBox verify = new CheckBox("Re-read the written file and check every tensor is byte-identical to the source");
        verify.setId("exportVerify");
        verify.selectedProperty().bindBidirectional(form.verifyProperty());
        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(8);
        g.addRow(0, label("Output file"), new HBox(8, output, browse));
        g.addRow(1, label("Format"), format);
        g.addRow(2, label("dtype"), dtype);
        g.addRow(3, label("Verify"), verify);
        GridPane.setHgrow(output.getParent(), Priority.ALWAYS);
        return g;
    }

    private VBox rules() {
        Label title = new Label("RENAME RULES");
        title.getStyleClass().add("section-title");
        Label hint = new Label("Java regex → replacement, applied in order ($1 refers to a group)");
        hint.getStyleClass().add("link-meta");
        Button add = new Button("Add rule");
        add.setId("addRule");
        add.getStyleClass().add("small-button");
        add.setOnAction(e -> form.rules().add(new RuleText("", "")));
        Button strip = new Button("Strip common prefix");
        strip.getStyleClass().add("small-button");
        strip.setOnAction(e -> form.addStripCommonPrefix());
        form.rules().addListener((javafx.collections.ListChangeListener<RuleText>) c -> {
            while (c.next()) {
                if (c.wasAdded() || c.wasRemoved()) {
                    rebuildRuleRows();
                }
            }
        });
        strip.setMinWidth(Region.USE_PREF_SIZE);
        add.setMinWidth(Region.USE_PREF_SIZE);
        title.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(8, title, spacer, strip, add);
        head.setAlignment(Pos.CENTER_LEFT);
        return new VBox(6, head, hint, ruleRows);
    }

    private void rebuildRuleRows() {
        ruleRows.getChildren().clear();
        for (RuleText r : form.rules()) {
            TextField from = new TextField();
            from.setPromptText("from (regex)");
            from.textProperty().bindBidirectional(r.fromProperty());
            from.getStyleClass().add("mono-field");
            TextField to = new TextField();
            to.setPromptText("to");
            to.textProperty().bindBidirectional(r.toProperty());
            to.getStyleClass().add("mono-field");
            HBox.setHgrow(from, Priority.ALWAYS);
            HBox.setHgrow(to, Priority.ALWAYS);
            Button remove = new Button();
            remove.setGraphic(Icon.CLOSE.node(9));
            remove.getStyleClass().add("banner-close");
            remove.setOnAction(e -> form.rules().remove(r));
            HBox row = new HBox(8, from, new Label("→"), to, remove);
            row.setAlignment(Pos.CENTER_LEFT);
            ruleRows.getChildren().add(row);
        }
    }

    private VBox previewSection() {
        TableColumn<RenamePreview.Row, String> src = new TableColumn<>("Key in " + source.file().getFileName());
        src.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().source()));
        TableColumn<RenamePreview.Row, String> out = new TableColumn<>("Key in the export");
        out.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().output()));
        TableColumn<RenamePreview.Row, String> note = new TableColumn<>("");
        note.setCellValueFactory(c -> new ReadOnlyStringWrapper(switch (c.getValue().problem()) {
            case NONE -> "";
            case COLLISION -> "collides";
            case EMPTY -> "empty key";
        }));
        note.setMaxWidth(90);
        note.setMinWidth(80);
        src.prefWidthProperty().bind(preview.widthProperty().subtract(100).divide(2));
        out.prefWidthProperty().bind(preview.widthProperty().subtract(100).divide(2));
        note.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                getStyleClass().remove("problem-note");
                if (!empty && s != null && !s.isEmpty()) {
                    getStyleClass().add("problem-note");
                }
            }
        });
        preview.getColumns().setAll(List.of(src, out, note));
        preview.setId("renamePreview");
        preview.getStyleClass().add("rename-preview");
        preview.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(RenamePreview.Row r, boolean empty) {
                super.updateItem(r, empty);
                pseudoClassStateChanged(PROBLEM, !empty && r != null && r.problem() != RenamePreview.Problem.NONE);
            }
        });
        Label title = new Label("PREVIEW");
        title.getStyleClass().add("section-title");
        previewSummary.getStyleClass().add("link-meta");
        HBox head = new HBox(10, title, previewSummary);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, head, preview);
        VBox.setVgrow(preview, Priority.ALWAYS);
        VBox.setVgrow(box, Priority.ALWAYS);
        return box;
    }

    private VBox footer() {
        problem.getStyleClass().add("fact-problem");
        problem.setWrapText(true);
        problem.setId("exportProblem");
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.setVisible(false);
        progressText.getStyleClass().add("link-meta");
        result.setWrapText(true);
        result.setMaxWidth(Double.MAX_VALUE);
        result.setMinHeight(Region.USE_PREF_SIZE);
        result.setId("exportResult");
        result.getStyleClass().add("export-result");
        result.setVisible(false);
        result.setManaged(false);
        exportButton.setId("exportRun");
        exportButton.getStyleClass().add("primary-button");
        exportButton.setDefaultButton(true);
        exportButton.setOnAction(e -> run());
        cancelButton.setId("exportCancel");
        cancelButton.setOnAction(e -> {
            if (running != null) {
                running.cancel();
            } else {
                stage.close();
            }
        });
        openButton.setId("exportOpen");
        openButton.setVisible(false);
        openButton.setOnAction(e -> {
            openResult.accept(form.outputProperty().get());
            stage.close();
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox buttons = new HBox(8, progressText, spacer, openButton, cancelButton, exportButton);
        buttons.setAlignment(Pos.CENTER_LEFT);
        return new VBox(10, problem, result, progress, buttons);
    }

    private void update() {
        String p = form.problem().orElse(null);
        problem.setText(p == null ? "" : p);
        exportButton.setDisable(p != null || running != null);
        if (form.ruleError().isPresent()) {
            return;
        }
        try {
            RenamePreview r = form.preview();
            preview.setItems(FXCollections.observableArrayList(r.rows()));
            long renamed = r.rows().stream().filter(x -> !x.source().equals(x.output())).count();
            previewSummary.setText(r.rows().size() + " keys  ·  " + renamed + " renamed"
                    + (r.problems() == 0 ? "" : "  ·  " + r.problems() + " problems"));
        } catch (RuntimeException e) {
            previewSummary.setText("");
        }
    }

    private void browse() {
        FileChooser c = new FileChooser();
        c.setTitle("Export to");
        Path current = form.outputProperty().get();
        if (current != null && current.getParent() != null && current.getParent().toFile().isDirectory()) {
            c.setInitialDirectory(current.getParent().toFile());
            c.setInitialFileName(current.getFileName().toString());
        }
        File f = c.showSaveDialog(stage);
        if (f != null) {
            form.outputProperty().set(f.toPath());
            ExportFormat.fromFileName(f.toPath()).ifPresent(form.formatProperty()::set);
        }
    }

    /** Starts the export in the background. */
    public void run() {
        if (form.problem().isPresent() || running != null) {
            return;
        }
        Path out = form.outputProperty().get();
        var request = form.request();
        result.setVisible(false);
        result.setManaged(false);
        openButton.setVisible(false);
        progress.setVisible(true);
        running = background.run(new MonitoredTask<>("Exporting to " + out.getFileName(),
                m -> org.ckptinspector.export.Exporter.export(source, request, out, m)), this::done, this::failed);
        progress.progressProperty().bind(running.progressProperty());
        progressText.textProperty().bind(running.messageProperty());
        running.setOnCancelled(e -> finish("Cancelled; nothing was written.", false));
        exportButton.setDisable(true);
        cancelButton.setText("Cancel export");
    }

    private void done(ExportResult r) {
        finish(ExportOutcome.details(r), true);
        openButton.setVisible(true);
        // The dialog may be closed or behind the main window by now; the notification shows either way.
        Window owner = stage.getOwner() != null ? stage.getOwner() : stage;
        Notifications.create().owner(owner).title("Export finished").text(ExportOutcome.summary(r))
                .hideAfter(Duration.seconds(6)).showInformation();
    }

    private void failed(Throwable e) {
        finish("Nothing was written. " + ErrorMessages.of(e), false);
    }

    private void finish(String text, boolean ok) {
        progress.progressProperty().unbind();
        progressText.textProperty().unbind();
        progressText.setText("");
        progress.setVisible(false);
        running = null;
        result.setText(text);
        result.getStyleClass().removeAll("result-ok", "result-fail");
        result.getStyleClass().add(ok ? "result-ok" : "result-fail");
        result.setVisible(true);
        result.setManaged(true);
        cancelButton.setText("Close");
        update();
    }

    private static Label label(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("fact-label");
        return l;
    }
}
