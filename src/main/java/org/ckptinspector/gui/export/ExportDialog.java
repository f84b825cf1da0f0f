package org.ckptinspector.gui.export;

import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;
import org.ckptinspector.app.ExportModel;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.gui.task.Background;
import org.controlsfx.control.Notifications;

/**
 * The export dialog, laid out over an {@link ExportModel}: rename rules with a live preview of the output keys,
 * format, dtype and verification options, the output file; then progress with cancel, and a summary of what was
 * written and verified, with a button to open the result.
 */
public final class ExportDialog {
    private final ExportModel model;
    private final Consumer<Path> openResult;
    private final Stage stage = new Stage();
    private final RenamePreviewTable preview;
    private final Label previewSummary = new Label();
    private final Label problem = new Label();
    private final ProgressBar progress = new ProgressBar(0);
    private final Label progressText = new Label();
    private final Label result = new Label();
    private final Button exportButton = new Button("Export");
    private final Button cancelButton = new Button("Cancel");
    private final Button openButton = new Button("Open exported file");
    private ExportModel.Phase shownPhase = ExportModel.Phase.EDITING;

    public ExportDialog(Window owner, ExportModel model, Consumer<Path> openResult) {
        this.model = model;
        this.openResult = openResult;
        this.preview = new RenamePreviewTable(model.sourceFile().getFileName().toString());
        stage.initOwner(owner);
        stage.setTitle(model.title());
        VBox root = new VBox(16, header(), new ExportOptions(model, stage).view(), rules(), previewSection(), footer());
        root.getStyleClass().add("export-dialog");
        root.setId("exportDialog");
        Scene scene = new Scene(root, 760, 720);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        }
        scene.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE && model.phase() != ExportModel.Phase.RUNNING) {
                stage.close();
            }
        });
        stage.setScene(scene);
        model.addListener(this::update);
        update();
    }

    public ExportModel model() {
        return model;
    }

    public Stage stage() {
        return stage;
    }

    public void show() {
        stage.show();
    }

    private VBox header() {
        Label title = new Label(model.title());
        title.getStyleClass().add("dialog-title");
        Label from = new Label("from " + model.sourceFile().getFileName() + ". Written to a temporary file, checked, "
                + "then moved into place; the source is never changed.");
        from.getStyleClass().add("link-meta");
        from.setWrapText(true);
        return new VBox(4, title, from);
    }

    private VBox rules() {
        Label title = new Label("RENAME RULES");
        title.getStyleClass().add("section-title");
        Label hint = new Label("Java regex → replacement, applied in order ($1 refers to a group)");
        hint.getStyleClass().add("link-meta");
        Button add = new Button("Add rule");
        add.setId("addRule");
        add.getStyleClass().add("small-button");
        add.setOnAction(e -> model.addRule("", ""));
        Button strip = new Button("Strip common prefix");
        strip.getStyleClass().add("small-button");
        strip.setOnAction(e -> model.addStripCommonPrefix());
        strip.setMinWidth(Region.USE_PREF_SIZE);
        add.setMinWidth(Region.USE_PREF_SIZE);
        title.setMinWidth(Region.USE_PREF_SIZE);
        HBox head = new HBox(8, title, spacer(), strip, add);
        head.setAlignment(Pos.CENTER_LEFT);
        return new VBox(6, head, hint, new RuleRows(model).view());
    }

    private VBox previewSection() {
        Label title = new Label("PREVIEW");
        title.getStyleClass().add("section-title");
        previewSummary.getStyleClass().add("link-meta");
        HBox head = new HBox(10, title, previewSummary);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, head, preview.view());
        VBox.setVgrow(preview.view(), Priority.ALWAYS);
        VBox.setVgrow(box, Priority.ALWAYS);
        return box;
    }

    private VBox footer() {
        problem.getStyleClass().add("fact-problem");
        problem.setWrapText(true);
        problem.setId("exportProblem");
        progress.setMaxWidth(Double.MAX_VALUE);
        progressText.getStyleClass().add("link-meta");
        result.setWrapText(true);
        result.setMaxWidth(Double.MAX_VALUE);
        result.setMinHeight(Region.USE_PREF_SIZE);
        result.setId("exportResult");
        result.getStyleClass().add("export-result");
        exportButton.setId("exportRun");
        exportButton.getStyleClass().add("primary-button");
        exportButton.setDefaultButton(true);
        exportButton.setOnAction(e -> run());
        cancelButton.setId("exportCancel");
        cancelButton.setOnAction(e -> {
            if (!model.cancel()) {
                stage.close();
            }
        });
        openButton.setId("exportOpen");
        openButton.setOnAction(e -> {
            openResult.accept(model.output());
            stage.close();
        });
        HBox buttons = new HBox(8, progressText, spacer(), openButton, cancelButton, exportButton);
        buttons.setAlignment(Pos.CENTER_LEFT);
        return new VBox(10, problem, result, progress, buttons);
    }

    /** Shows the model as it stands. */
    private void update() {
        problem.setText(model.problem().orElse(""));
        exportButton.setDisable(!model.canRun());
        if (model.ruleError().isEmpty()) {
            try {
                preview.show(model.preview());
            } catch (RuntimeException e) {
                // a rule that cannot be applied: the problem line says why
            }
            previewSummary.setText(model.previewSummary());
        }
        ExportModel.Phase phase = model.phase();
        boolean running = phase == ExportModel.Phase.RUNNING;
        boolean finished = !running && phase != ExportModel.Phase.EDITING;
        progress.setVisible(running);
        if (!running) {
            progress.progressProperty().unbind();
            progressText.textProperty().unbind();
            progressText.setText("");
        }
        result.setText(model.outcome());
        result.getStyleClass().removeAll("result-ok", "result-fail");
        result.getStyleClass().add(phase == ExportModel.Phase.WRITTEN ? "result-ok" : "result-fail");
        result.setVisible(finished);
        result.setManaged(finished);
        openButton.setVisible(phase == ExportModel.Phase.WRITTEN);
        cancelButton.setText(running ? "Cancel export" : finished ? "Close" : "Cancel");
        if (phase == ExportModel.Phase.WRITTEN && shownPhase == ExportModel.Phase.RUNNING) {
            notifyWritten();
        }
        shownPhase = phase;
    }

    /** Starts the export in the background, asking first when it would replace an existing file. */
    public void run() {
        if (!model.canRun()) {
            return;
        }
        model.overwriteQuestion().ifPresentOrElse(q -> {
            Alert ask = new Alert(Alert.AlertType.CONFIRMATION, q, ButtonType.CANCEL, ButtonType.OK);
            ask.initOwner(stage);
            ask.setTitle("Replace the file?");
            ask.setHeaderText("Replace " + model.output().getFileName() + "?");
            ask.getDialogPane().getStylesheets().addAll(stage.getScene().getStylesheets());
            ask.getDialogPane().setId("overwriteDialog");
            ((Button) ask.getDialogPane().lookupButton(ButtonType.OK)).setText("Replace");
            ask.resultProperty().addListener((o, was, answer) -> {
                if (answer == ButtonType.OK) {
                    start();
                }
            });
            ask.show();
        }, this::start);
    }

    private void start() {
        TaskRunner.Handle h = model.run();
        if (h instanceof Background.TaskHandle th && model.phase() == ExportModel.Phase.RUNNING) {
            progress.progressProperty().bind(th.task().progressProperty());
            progressText.textProperty().bind(th.task().messageProperty());
        }
    }

    /** The dialog may be closed or behind the main window by now; the notification shows either way. */
    private void notifyWritten() {
        Window owner = stage.getOwner() != null ? stage.getOwner() : stage;
        model.notice().ifPresent(text -> Notifications.create().owner(owner).title("Export finished").text(text)
                .hideAfter(Duration.seconds(6)).showInformation());
    }

    private static Region spacer() {
        Region r = new Region();
        HBox.setHgrow(r, Priority.ALWAYS);
        return r;
    }
}
