package org.ckptinspector.gui.diff;

import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.DiffStatus;
import org.ckptinspector.app.DiffSummary;
import org.ckptinspector.gui.icons.Icon;
import org.ckptinspector.gui.task.FxThread;

/**
 * The comparison panel under the tree: which files are compared, how many keys fall in each status, the key
 * alignment applied, and the load_state_dict dry run (A loaded into a model whose state_dict is B) with strict
 * on or off.
 */
public final class DiffPanel {
    private final Label files = new Label();
    private final FlowPane counts = new FlowPane(8, 6);
    private final Label alignment = new Label();
    private final CheckBox strict = new CheckBox("strict");
    private final CheckBox align = new CheckBox("Align prefixes");
    private final CheckBox differencesOnly = new CheckBox("Differences only");
    private final Label verdict = new Label();
    private final TextArea torchText = new TextArea();
    private final VBox box;
    private DiffSummary result;

    public DiffPanel(Runnable close) {
        FxThread.check();
        files.getStyleClass().add("diff-files");
        files.setId("diffFiles");
        Button closeButton = new Button();
        closeButton.setGraphic(Icon.CLOSE.node(10));
        closeButton.getStyleClass().add("banner-close");
        closeButton.setTooltip(new Tooltip("End the comparison"));
        closeButton.setOnAction(e -> close.run());
        align.setSelected(true);
        align.setId("alignPrefixes");
        align.setTooltip(new Tooltip("Strip module., _orig_mod., model. and the state_dict sub-dict when that "
                + "lines up more keys"));
        differencesOnly.setId("differencesOnly");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        files.setWrapText(true);
        files.setMinHeight(Region.USE_PREF_SIZE);
        HBox.setHgrow(files, Priority.SOMETIMES);
        align.setMinWidth(Region.USE_PREF_SIZE);
        differencesOnly.setMinWidth(Region.USE_PREF_SIZE);
        closeButton.setMinWidth(Region.USE_PREF_SIZE);
        HBox options = new HBox(10, align, differencesOnly);
        options.setAlignment(Pos.CENTER_LEFT);
        HBox title = new HBox(10, Icon.COMPARE.node(14), files, spacer, closeButton);
        title.setAlignment(Pos.CENTER_LEFT);
        VBox head = new VBox(4, title, options);
        alignment.getStyleClass().add("link-meta");
        alignment.setWrapText(true);

        Label lsdTitle = new Label("load_state_dict dry run  ·  A as checkpoint, B as model");
        lsdTitle.getStyleClass().add("section-title");
        strict.setSelected(true);
        strict.setId("strictToggle");
        strict.setOnAction(e -> showLoadStateDict());
        verdict.setId("lsdVerdict");
        strict.setMinWidth(Region.USE_PREF_SIZE);
        verdict.setMinWidth(Region.USE_PREF_SIZE);
        lsdTitle.setWrapText(true);
        lsdTitle.setMinHeight(Region.USE_PREF_SIZE);
        HBox lsdHead = new HBox(12, lsdTitle, strict, verdict);
        lsdHead.setAlignment(Pos.CENTER_LEFT);
        torchText.setEditable(false);
        torchText.setWrapText(true);
        torchText.setPrefRowCount(4);
        torchText.setId("lsdText");
        torchText.getStyleClass().add("value-text");

        box = new VBox(8, head, counts, alignment, lsdHead, torchText);
        box.getStyleClass().add("diff-panel");
        box.setId("diffPanel");
        setVisible(false);
    }

    public VBox view() {
        return box;
    }

    /** Re-run the comparison with or without prefix alignment. */
    public BooleanProperty alignPrefixesProperty() {
        return align.selectedProperty();
    }

    /** Show only rows that differ. */
    public BooleanProperty differencesOnlyProperty() {
        return differencesOnly.selectedProperty();
    }

    /** @param n how many keys have each status */
    public void show(DiffSummary r, Map<DiffStatus, Integer> n, String fileA, String fileB) {
        result = r;
        files.setText("A  " + fileA + "   ↔   B  " + fileB);
        counts.getChildren().clear();
        for (DiffStatus s : DiffStatus.values()) {
            int c = n.getOrDefault(s, 0);
            if (c > 0 || s == DiffStatus.IDENTICAL || s == DiffStatus.CHANGED) {
                var icon = Icon.of(s).node(10);
                icon.getStyleClass().add(s.styleName());
                Label chip = new Label(c + "  " + s.label(), icon);
                chip.getStyleClass().addAll("chip", "count-chip");
                chip.setId("count-" + s.styleName());
                counts.getChildren().add(chip);
            }
        }
        alignment.setText(r.alignmentText());
        showLoadStateDict();
        setVisible(true);
    }

    public void hide() {
        result = null;
        setVisible(false);
    }

    private void showLoadStateDict() {
        if (result == null) {
            return;
        }
        boolean ok = result.loads(strict.isSelected());
        verdict.setText(ok ? "loads" : "raises RuntimeError");
        verdict.getStyleClass().removeAll("verdict-ok", "verdict-fail");
        verdict.getStyleClass().addAll(ok ? "verdict-ok" : "verdict-fail");
        torchText.setText(result.outcome(strict.isSelected()));
    }

    private void setVisible(boolean v) {
        box.setVisible(v);
        box.setManaged(v);
    }
}
