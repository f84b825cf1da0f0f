package org.ckptinspector.gui.detail;

import java.io.IOException;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.Comparison;
import org.ckptinspector.app.ErrorMessages;
import org.ckptinspector.app.SingleValue;
import org.ckptinspector.model.TensorRef;

/** The "Value" section of a one-element tensor: its value, and in a comparison B's next to it. */
final class SingleValueView {
    private SingleValueView() {}

    static Node of(TensorRef t, Optional<Comparison> cmp) {
        VBox box = new VBox(6);
        TensorRef b = cmp.map(Comparison::b).filter(SingleValue::applies).orElse(null);
        box.getChildren().add(line(cmp.isPresent() ? "A" : null, t, "singleValue"));
        if (b != null) {
            box.getChildren().add(line("B", b, "singleValueB"));
        }
        cmp.ifPresent(c -> {
            Label status = new Label(c.status());
            status.getStyleClass().addAll("chip", "diff-chip");
            box.getChildren().add(status);
        });
        return DetailPane.section("Value", box);
    }

    private static Node line(String side, TensorRef t, String id) {
        Label value = new Label();
        value.setId(id);
        value.getStyleClass().add("single-value");
        try {
            SingleValue v = SingleValue.of(t);
            value.setText(v.text());
            if (t.rank() > 0) {
                Label at = new Label("at " + v.index());
                at.getStyleClass().add("link-meta");
                return row(side, value, at);
            }
        } catch (IOException | RuntimeException e) {
            value.setText(ErrorMessages.of(e));
            value.getStyleClass().add("fact-problem");
        }
        return row(side, value);
    }

    private static Node row(String side, Node... nodes) {
        HBox row = new HBox(10);
        row.setAlignment(javafx.geometry.Pos.BASELINE_LEFT);
        if (side != null) {
            Label s = new Label(side);
            s.getStyleClass().add("fact-label");
            row.getChildren().add(s);
        }
        row.getChildren().addAll(nodes);
        return row;
    }
}
