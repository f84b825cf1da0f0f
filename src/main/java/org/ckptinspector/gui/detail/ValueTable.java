package org.ckptinspector.gui.detail;

import java.util.stream.IntStream;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.ckptinspector.gui.tree.Formats;

/** The Values tab: a read-only grid of the first rows and columns, with the row index as first column. */
final class ValueTable {
    private ValueTable() {}

    static Node of(PreviewGrid grid) {
        TableView<Integer> table = new TableView<>();
        table.setId("valueGrid");
        table.getStyleClass().add("value-grid");
        TableColumn<Integer, String> index = new TableColumn<>("");
        index.setCellValueFactory(c -> new ReadOnlyStringWrapper(grid.rowLabels().get(c.getValue())));
        index.getStyleClass().add("index-column");
        index.setSortable(false);
        index.setPrefWidth(64);
        table.getColumns().add(index);
        for (int j = 0; j < grid.shownColumns(); j++) {
            int col = j;
            TableColumn<Integer, String> c = new TableColumn<>(Integer.toString(j));
            c.setCellValueFactory(v -> new ReadOnlyStringWrapper(grid.cell(v.getValue(), col)));
            c.setSortable(false);
            c.setPrefWidth(86);
            c.getStyleClass().add("value-column");
            table.getColumns().add(c);
        }
        table.setItems(FXCollections.observableArrayList(
                IntStream.range(0, grid.values().length).boxed().toList()));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        Label caption = new Label("Rows " + Formats.count(grid.values().length) + " of "
                + Formats.count(grid.totalRows()) + "  ·  columns " + grid.shownColumns() + " of "
                + Formats.count(grid.totalColumns()));
        caption.getStyleClass().add("link-meta");
        VBox box = new VBox(8, caption, table);
        box.getStyleClass().add("detail-content");
        VBox.setVgrow(table, Priority.ALWAYS);
        return box;
    }
}
