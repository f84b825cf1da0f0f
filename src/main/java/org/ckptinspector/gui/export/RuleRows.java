package org.ckptinspector.gui.export;

import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.ExportModel;
import org.ckptinspector.app.RenameDraft;
import org.ckptinspector.gui.icons.Icon;

/** The export's rename rules, a row each: FROM → TO fields and a remove button. */
final class RuleRows {
    private final VBox rows = new VBox(6);
    private final ExportModel model;
    private List<RenameDraft> shown = List.of();

    RuleRows(ExportModel model) {
        this.model = model;
        model.addListener(this::sync);
    }

    VBox view() {
        return rows;
    }

    /** Rebuilds the rows when a rule was added or removed; edits within a row keep its fields. */
    private void sync() {
        List<RenameDraft> now = model.rules();
        if (now.equals(shown)) {
            return;
        }
        shown = now;
        rows.getChildren().clear();
        for (RenameDraft r : now) {
            TextField from = field("from (regex)", r.from());
            from.textProperty().addListener((o, was, s) -> r.setFrom(s));
            TextField to = field("to", r.to());
            to.textProperty().addListener((o, was, s) -> r.setTo(s));
            Button remove = new Button();
            remove.setGraphic(Icon.CLOSE.node(9));
            remove.getStyleClass().add("banner-close");
            remove.setOnAction(e -> model.removeRule(r));
            HBox row = new HBox(8, from, new Label("→"), to, remove);
            row.setAlignment(Pos.CENTER_LEFT);
            rows.getChildren().add(row);
        }
    }

    private static TextField field(String prompt, String text) {
        TextField f = new TextField(text);
        f.setPromptText(prompt);
        f.getStyleClass().add("mono-field");
        HBox.setHgrow(f, Priority.ALWAYS);
        return f;
    }
}
