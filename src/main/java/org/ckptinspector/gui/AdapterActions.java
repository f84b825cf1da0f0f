package org.ckptinspector.gui;

import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.AdapterCommands;
import org.ckptinspector.app.ExportModel;
import org.ckptinspector.gui.export.ExportDialog;
import org.ckptinspector.gui.open.FolderChooser;

/**
 * File › Compare With Adapter Folder… and Export Merged With Adapter…: picks the adapter folder and shows what
 * {@link AdapterCommands} made of it: the comparison (through the window model), a warning listing the parts the
 * base has no tensor for, or the export dialog on the merged weights.
 */
final class AdapterActions implements AdapterCommands.View {
    private final MainWindow w;
    private final AdapterCommands commands;
    private ExportDialog exportDialog;

    AdapterActions(MainWindow w) {
        this.w = w;
        this.commands = new AdapterCommands(w.workspace(), w.background(), this);
    }

    void chooseAndCompare() {
        choose().ifPresent(this::compareWith);
    }

    void chooseAndExport() {
        choose().ifPresent(this::exportMerged);
    }

    void compareWith(Path adapterDir) {
        commands.compareWith(adapterDir);
    }

    void exportMerged(Path adapterDir) {
        commands.exportMerged(adapterDir);
    }

    /** The export dialog last shown, or null. */
    ExportDialog exportDialog() {
        return exportDialog;
    }

    private java.util.Optional<Path> choose() {
        var doc = w.workspace().primary();
        return FolderChooser.choose(w.scene().getWindow(), doc == null ? null : doc.file());
    }

    @Override
    public void showUnmatched(String title, List<String> problems) {
        Alert a = new Alert(Alert.AlertType.WARNING, null, ButtonType.OK);
        a.initOwner(w.scene().getWindow());
        a.setTitle("Adapter not fully matched");
        a.setHeaderText(title);
        ListView<String> list = new ListView<>(javafx.collections.FXCollections.observableArrayList(problems));
        list.setPrefHeight(Math.min(240, 28 + 24 * problems.size()));
        list.setPrefWidth(640);
        Label hint = new Label("The comparison shows the rest of the adapter merged into the base.");
        hint.setWrapText(true);
        a.getDialogPane().setContent(new VBox(8, list, hint));
        a.getDialogPane().getStylesheets().addAll(w.scene().getStylesheets());
        a.getDialogPane().setId("adapterUnmatchedDialog");
        a.show();
    }

    @Override
    public void showExport(String title, ExportModel export, Runnable closed) {
        if (exportDialog != null) {
            exportDialog.stage().close();
        }
        exportDialog = new ExportDialog(w.scene().getWindow(), export, w::openFile);
        exportDialog.stage().setTitle(title);
        exportDialog.stage().setOnHidden(e -> closed.run());
        exportDialog.show();
    }

    @Override
    public void showError(String title, Throwable error) {
        w.showError(title, error);
    }
}
