package org.ckptinspector.gui.export;

import java.util.List;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.css.PseudoClass;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import org.ckptinspector.app.RenamePreview;

/** The export's rename preview: each source key beside its output key, collisions and empty keys flagged. */
final class RenamePreviewTable {
    private static final PseudoClass PROBLEM = PseudoClass.getPseudoClass("problem");
    private final TableView<RenamePreview.Row> table = new TableView<>();

    RenamePreviewTable(String sourceName) {
        TableColumn<RenamePreview.Row, String> src = new TableColumn<>("Key in " + sourceName);
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
        src.prefWidthProperty().bind(table.widthProperty().subtract(100).divide(2));
        out.prefWidthProperty().bind(table.widthProperty().subtract(100).divide(2));
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
        table.getColumns().setAll(List.of(src, out, note));
        table.setId("renamePreview");
        table.getStyleClass().add("rename-preview");
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(RenamePreview.Row r, boolean empty) {
                super.updateItem(r, empty);
                pseudoClassStateChanged(PROBLEM, !empty && r != null && r.problem() != RenamePreview.Problem.NONE);
            }
        });
    }

    TableView<RenamePreview.Row> view() {
        return table;
    }

    void show(RenamePreview preview) {
        table.setItems(FXCollections.observableArrayList(preview.rows()));
    }
}
