package org.ckptinspector.gui.export;

import java.io.File;
import java.nio.file.Path;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.ckptinspector.app.ExportModel;
import org.ckptinspector.model.DType;

/** The export's options grid: output file (typed or browsed), format, dtype and verification. */
final class ExportOptions {
    private final ExportModel model;
    private final TextField output = new TextField();
    private final ComboBox<String> format = new ComboBox<>(FXCollections.observableArrayList(ExportModel.formatLabels()));
    private final GridPane grid = new GridPane();

    ExportOptions(ExportModel model, Window owner) {
        this.model = model;
        output.setId("exportOutput");
        output.textProperty().addListener((o, was, s) -> model.setOutput(s == null || s.isBlank() ? null
                : Path.of(s.strip())));
        HBox.setHgrow(output, Priority.ALWAYS);
        Button browse = new Button("Browse…");
        browse.getStyleClass().add("small-button");
        browse.setOnAction(e -> browse(owner));
        format.setId("exportFormat");
        format.getSelectionModel().selectedIndexProperty().addListener((o, was, i) -> {
            if (i.intValue() >= 0) {
                model.setFormatIndex(i.intValue());
            }
        });
        ComboBox<DType> dtype = new ComboBox<>(FXCollections.observableArrayList(ExportModel.dtypeChoices()));
        dtype.setId("exportDtype");
        dtype.setValue(model.dtype());
        dtype.valueProperty().addListener((o, was, d) -> model.setDtype(d));
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
        verify.setSelected(model.verify());
        verify.selectedProperty().addListener((o, was, v) -> model.setVerify(v));
        grid.setHgap(12);
        grid.setVgap(8);
        HBox file = new HBox(8, output, browse);
        grid.addRow(0, label("Output file"), file);
        grid.addRow(1, label("Format"), format);
        grid.addRow(2, label("dtype"), dtype);
        grid.addRow(3, label("Verify"), verify);
        GridPane.setHgrow(file, Priority.ALWAYS);
        model.addListener(this::update);
        update();
    }

    GridPane view() {
        return grid;
    }

    /** Shows the output and format the model holds; each follows the other there. */
    private void update() {
        String typed = output.getText() == null || output.getText().isBlank() ? null : output.getText().strip();
        Path out = model.output();
        if (out != null && !out.toString().equals(typed)) {
            output.setText(out.toString());
        }
        format.getSelectionModel().select(model.formatIndex());
    }

    private void browse(Window owner) {
        FileChooser c = new FileChooser();
        c.setTitle("Export to");
        Path current = model.output();
        if (current != null && current.getParent() != null && current.getParent().toFile().isDirectory()) {
            c.setInitialDirectory(current.getParent().toFile());
            c.setInitialFileName(current.getFileName().toString());
        }
        File f = c.showSaveDialog(owner);
        if (f != null) {
            model.setOutput(f.toPath());
        }
    }

    static Label label(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("fact-label");
        return l;
    }
}
