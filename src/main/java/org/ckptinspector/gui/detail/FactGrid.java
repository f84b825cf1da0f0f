package org.ckptinspector.gui.detail;

import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import org.ckptinspector.app.Fact;

/** A two-column grid of labelled values; values are selectable for copying. */
public final class FactGrid {
    private FactGrid() {}

    public static GridPane of(List<Fact> facts) {
        GridPane g = new GridPane();
        g.getStyleClass().add("fact-grid");
        g.setHgap(14);
        g.setVgap(5);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(110);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(labels, values);
        int row = 0;
        for (Fact f : facts) {
            Label l = new Label(f.label());
            l.getStyleClass().add("fact-label");
            Label v = new Label(f.value());
            v.getStyleClass().add("fact-value");
            if (f.label().equals("problem")) {
                v.getStyleClass().add("fact-problem");
            }
            v.setWrapText(true);
            g.addRow(row++, l, v);
        }
        return g;
    }
}
