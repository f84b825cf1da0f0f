package org.ckptinspector.gui.open;

import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.ckptinspector.gui.icons.Icon;

/** What the window shows with no file open: open, open the sample, recent files, and a drop hint. */
public final class StartScreen {
    // The start screen's words, also drawn by StartSketch before any control exists (constants: the sketch reads
    // them without loading this class).
    static final String TITLE = "Checkpoint Inspector";
    static final String SUBTITLE = "Look inside PyTorch checkpoints and safetensors files.\n"
            + "Nothing in a file is ever executed.";
    static final String OPEN = "Open checkpoint…";
    static final String SAMPLE = "Open sample checkpoint";
    static final String DROP = "or drop a .pt  .pth  .ckpt  .bin  .safetensors  or  *.index.json file anywhere on this "
            + "window — drop two to compare them";
    static final String RECENT = "Recent";
    static final String KEYS = "Ctrl+O open   ·   Ctrl+D compare   ·   Ctrl+F filter   ·   Ctrl+E export";

    private final StackPane root = new StackPane();
    private final VBox recentBox = new VBox(2);

    public StartScreen(RecentFiles recent, Runnable open, Runnable openSample, Consumer<Path> openRecent) {
        Label title = new Label(TITLE);
        title.getStyleClass().add("start-title");
        Label subtitle = new Label(SUBTITLE);
        subtitle.getStyleClass().add("start-subtitle");
        subtitle.setWrapText(true);

        Button openButton = new Button(OPEN);
        openButton.setId("startOpen");
        openButton.setGraphic(Icon.OPEN.node(16));
        openButton.getStyleClass().addAll("primary-button", "start-button");
        openButton.setOnAction(e -> open.run());
        openButton.setDefaultButton(true);
        Button sample = new Button(SAMPLE);
        sample.setId("openSample");
        sample.setGraphic(Icon.SAMPLE.node(16));
        sample.getStyleClass().add("start-button");
        sample.setTooltip(new Tooltip("A Lightning checkpoint of a tiny GPT: weights, optimizer state and "
                + "hyper-parameters"));
        sample.setOnAction(e -> openSample.run());
        HBox buttons = new HBox(12, openButton, sample);
        buttons.setAlignment(Pos.CENTER_LEFT);

        Label drop = new Label(DROP);
        drop.getStyleClass().add("drop-hint");
        drop.setWrapText(true);

        Label recentTitle = new Label(RECENT);
        recentTitle.getStyleClass().add("section-title");
        recentBox.getStyleClass().add("recent-list");
        VBox recentSection = new VBox(6, recentTitle, recentBox);
        recent.files().addListener((ListChangeListener<Path>) c -> fillRecent(recent, openRecent, recentSection));
        fillRecent(recent, openRecent, recentSection);

        Label keys = new Label(KEYS);
        keys.getStyleClass().add("shortcut-hint");

        VBox card = new VBox(14, title, subtitle, buttons, drop, recentSection, keys);
        card.getStyleClass().add("start-card");
        card.setMaxWidth(620);
        card.setMaxHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        root.getChildren().add(card);
        root.getStyleClass().add("start-screen");
        root.setId("startScreen");
        StackPane.setAlignment(card, Pos.CENTER);
    }

    public StackPane view() {
        return root;
    }

    private void fillRecent(RecentFiles recent, Consumer<Path> openRecent, VBox section) {
        recentBox.getChildren().clear();
        for (Path p : recent.files()) {
            Hyperlink link = new Hyperlink(p.getFileName() + "   " + (p.getParent() == null ? "" : p.getParent()));
            link.setGraphic(Icon.RECENT.node(12));
            link.getStyleClass().add("recent-link");
            link.setOnAction(e -> openRecent.accept(p));
            recentBox.getChildren().add(link);
        }
        section.setVisible(!recent.files().isEmpty());
        section.setManaged(!recent.files().isEmpty());
    }
}
