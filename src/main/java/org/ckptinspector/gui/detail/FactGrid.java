package org.ckptinspector.gui.detail;

import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.ckptinspector.app.Fact;
import org.ckptinspector.app.SideFact;

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

    /** A grid of labelled values of A beside B's; the lines whose values differ are marked. */
    static GridPane ofSides(List<SideFact> facts) {
        GridPane g = new GridPane();
        g.getStyleClass().addAll("fact-grid", "side-grid");
        g.setId("sideFacts");
        g.setHgap(14);
        g.setVgap(5);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints a = new ColumnConstraints();
        a.setHgrow(Priority.ALWAYS);
        ColumnConstraints b = new ColumnConstraints();
        b.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(labels, a, b);
        Label headA = new Label("A");
        Label headB = new Label("B");
        headA.getStyleClass().add("table-head");
        headB.getStyleClass().add("table-head");
        g.addRow(0, new Label(), headA, headB);
        int row = 1;
        for (SideFact f : facts) {
            Label l = new Label(f.label());
            l.getStyleClass().add("fact-label");
            l.setMinWidth(Region.USE_PREF_SIZE);
            Label va = value(f.a(), f);
            Label vb = value(f.b(), f);
            va.setId("sideA-" + f.label().replace(' ', '-'));
            vb.setId("sideB-" + f.label().replace(' ', '-'));
            g.addRow(row++, l, va, vb);
        }
        return g;
    }

    private static Label value(String text, SideFact f) {
        Label v = new Label(text == null ? "—" : text);
        v.getStyleClass().add("fact-value");
        if (f.label().equals("problem")) {
            v.getStyleClass().add("fact-problem");
        } else if (f.differs()) {
            v.getStyleClass().add("fact-differs");
        }
        v.setWrapText(true);
        v.setMaxWidth(Double.MAX_VALUE);
        return v;
    }
}
