package org.ckptinspector.gui.security;

import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.UnsafeGlobals;
import org.ckptinspector.gui.icons.Icon;
import org.ckptinspector.security.GlobalClass;

/** A banner above the tree naming the unsafe globals of the open file; hidden for files that name none. */
public final class SecurityBanner {
    private final Label headline = new Label();
    private final FlowPane chips = new FlowPane(6, 6);
    private final HBox box;
    private Consumer<String> onGlobal = g -> { };

    public SecurityBanner() {
        headline.setWrapText(true);
        headline.getStyleClass().add("banner-headline");
        headline.setId("securityHeadline");
        VBox text = new VBox(6, headline, chips);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button close = new Button();
        close.setGraphic(Icon.CLOSE.node(10));
        close.getStyleClass().add("banner-close");
        close.setTooltip(new Tooltip("Hide this warning"));
        close.setOnAction(e -> setVisible(false));
        box = new HBox(10, Icon.SHIELD.node(20), text, close);
        box.setAlignment(Pos.TOP_LEFT);
        box.getStyleClass().addAll("banner", "security-banner");
        box.setId("securityBanner");
        setVisible(false);
    }

    public HBox view() {
        return box;
    }

    /** What a click on a global's tag does: show where the file uses it. */
    public void setOnGlobal(Consumer<String> onGlobal) {
        this.onGlobal = onGlobal;
    }

    /** Shows the unsafe ones among a file's globals, or hides the banner when there are none. */
    public void show(List<String> globals) {
        List<UnsafeGlobals.Finding> findings = UnsafeGlobals.of(globals);
        boolean dangerous = findings.stream().anyMatch(f -> f.verdict() == GlobalClass.DANGEROUS);
        box.getStyleClass().remove("dangerous");
        if (dangerous) {
            box.getStyleClass().add("dangerous");
        }
        headline.setText(UnsafeGlobals.headline(findings));
        chips.getChildren().setAll(findings.stream().map(f -> {
            Button chip = new Button(f.name());
            chip.setMnemonicParsing(false);  // __main__.Net, not _main_.Net with an underlined m
            chip.getStyleClass().addAll("chip", "global-chip", "global-" + f.verdict().id());
            chip.setId("global-" + f.name());
            chip.setTooltip(new Tooltip(f.verdict().id() + " — click to show where the file uses it"));
            chip.setOnAction(e -> onGlobal.accept(f.name()));
            return chip;
        }).toList());
        setVisible(!findings.isEmpty());
    }

    private void setVisible(boolean v) {
        box.setVisible(v);
        box.setManaged(v);
    }
}
