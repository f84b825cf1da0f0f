package org.ckptinspector.gui.detail;

import java.util.List;
import javafx.geometry.HPos;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import org.ckptinspector.app.DTypeBreakdown;
import org.ckptinspector.app.Formats;

/** The per-dtype breakdown of a module as a small table with a bar showing each dtype's share of bytes. */
final class DTypeTable {
    private final GridPane grid = new GridPane();

    DTypeTable(List<DTypeBreakdown.Row> rows) {
        grid.getStyleClass().add("dtype-table");
        grid.setHgap(16);
        grid.setVgap(6);
        String[] heads = {"dtype", "tensors", "parameters", "bytes", "share"};
        for (int i = 0; i < heads.length; i++) {
            Label h = new Label(heads[i]);
            h.getStyleClass().add("table-head");
            h.setMinWidth(Region.USE_PREF_SIZE);
            grid.add(h, i, 0);
            if (i > 0 && i < 4) {
                GridPane.setHalignment(h, HPos.RIGHT);
            }
        }
        int r = 1;
        for (DTypeBreakdown.Row row : rows) {
            grid.add(cell(row.dtype().torchName(), "dtype-name"), 0, r);
            grid.add(number(Formats.count(row.tensors()), null), 1, r);
            grid.add(number(Formats.compactCount(row.parameters()), Formats.count(row.parameters()) + " parameters"),
                    2, r);
            grid.add(number(Formats.bytes(row.bytes()), Formats.count(row.bytes()) + " bytes"), 3, r);
            grid.add(shareBar(row), 4, r);
            r++;
        }
        ColumnConstraints last = new ColumnConstraints();
        last.setHgrow(Priority.ALWAYS);
        last.setMinWidth(80);
        grid.getColumnConstraints().addAll(new ColumnConstraints(), new ColumnConstraints(),
                new ColumnConstraints(), new ColumnConstraints(), last);
    }

    GridPane view() {
        return grid;
    }

    private static Label cell(String text, String style) {
        Label l = new Label(text);
        l.getStyleClass().add(style);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    /** A right-aligned number; {@code exact} (if not null) as its tooltip. */
    private static Label number(String text, String exact) {
        Label l = cell(text, "number");
        if (exact != null) {
            l.setTooltip(new javafx.scene.control.Tooltip(exact));
        }
        GridPane.setHalignment(l, HPos.RIGHT);
        return l;
    }

    private static StackPane shareBar(DTypeBreakdown.Row row) {
        Region track = new Region();
        track.getStyleClass().add("share-track");
        Region fill = new Region();
        fill.getStyleClass().add("share-fill");
        fill.setMaxWidth(Region.USE_PREF_SIZE);
        Label pct = new Label(row.percent());
        pct.getStyleClass().add("share-label");
        StackPane bar = new StackPane(track, fill, pct);
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        bar.setMinHeight(16);
        fill.prefWidthProperty().bind(bar.widthProperty().multiply(row.byteShare()));
        return bar;
    }
}
