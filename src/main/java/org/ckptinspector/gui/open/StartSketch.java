package org.ckptinspector.gui.open;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Cursor;
import javafx.scene.Node;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Border;
import javafx.scene.layout.BorderStroke;
import javafx.scene.layout.BorderStrokeStyle;
import javafx.scene.layout.BorderWidths;
import javafx.scene.layout.CornerRadii;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.paint.CycleMethod;
import javafx.scene.paint.LinearGradient;
import javafx.scene.paint.Paint;
import javafx.scene.paint.Stop;
import javafx.scene.shape.SVGPath;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import org.ckptinspector.gui.icons.Icon;

/**
 * The start screen as the window's first frame shows it: the same card, drawn with text, shapes and layout panes
 * only, styled in code. No control and no style sheet, so that JavaFX's own style sheet is not parsed and no
 * control skin is loaded before the window has something to show; the real {@link StartScreen} takes its place
 * a frame or so later. Files dropped on it, a recent file clicked and a click on its buttons are handed on, to be
 * done once the real window exists.
 */
public final class StartSketch {
    /** What a click on one of the sketch's buttons asks for. */
    public enum Click { OPEN, SAMPLE }

    private static final Color TEXT = Color.web("#1d2330");
    private static final Color MUTED = Color.web("#6b7383");
    private static final Color BORDER = Color.web("#e2e5ea");
    private static final Color ACCENT = Color.web("#4a63e7");

    private final StackPane root = new StackPane();
    /** A transparent pixel whose change makes the next frame wait until the sketch has been drawn. */
    private final Region pixel = new Region();

    /**
     * @param recent the recent files the start screen lists
     * @param opened gets the files dropped on the sketch, and a recent file clicked in it
     * @param clicked gets what a click on a button asks for
     */
    public StartSketch(List<Path> recent, Consumer<List<Path>> opened, Consumer<Click> clicked) {
        String family = Font.getDefault().getFamily();
        Text title = text(StartScreen.TITLE, Font.font(family, FontWeight.BOLD, 26), TEXT);
        Text subtitle = text(StartScreen.SUBTITLE, Font.font(family, 14), MUTED);
        Node open = clickable(button(Icon.OPEN, StartScreen.OPEN, true, family), () -> clicked.accept(Click.OPEN));
        Node sample = clickable(button(Icon.SAMPLE, StartScreen.SAMPLE, false, family),
                () -> clicked.accept(Click.SAMPLE));
        HBox buttons = new HBox(12, open, sample);
        buttons.setAlignment(Pos.CENTER_LEFT);

        Text dropText = text(StartScreen.DROP, Font.font(family, 13), MUTED);
        dropText.setWrappingWidth(510);
        StackPane drop = new StackPane(dropText);
        StackPane.setAlignment(dropText, Pos.CENTER_LEFT);
        drop.setPadding(new Insets(14));
        drop.setBorder(new Border(new BorderStroke(BORDER, new BorderStrokeStyle(
                javafx.scene.shape.StrokeType.INSIDE, javafx.scene.shape.StrokeLineJoin.MITER,
                javafx.scene.shape.StrokeLineCap.BUTT, 10, 0, List.of(6.0, 4.0)), new CornerRadii(8),
                BorderWidths.DEFAULT)));

        VBox card = new VBox(14, title, subtitle, buttons, drop);
        if (!recent.isEmpty()) {
            VBox list = new VBox(2);
            for (Path p : recent) {
                Text t = text(p.getFileName() + "   " + (p.getParent() == null ? "" : p.getParent()),
                        Font.font(family, 13), TEXT);
                HBox row = new HBox(4, icon(Icon.RECENT, 12, Color.web("#9aa1ae")), t);
                row.setAlignment(Pos.CENTER_LEFT);
                row.setPadding(new Insets(4, 0, 4, 3));
                // A long path is cut at the card's edge (the real list ends it with an ellipsis).
                row.setMinWidth(0);
                row.setPrefWidth(0);
                javafx.scene.shape.Rectangle clip = new javafx.scene.shape.Rectangle();
                clip.widthProperty().bind(row.widthProperty());
                clip.heightProperty().bind(row.heightProperty());
                row.setClip(clip);
                list.getChildren().add(clickable(row, () -> opened.accept(List.of(p))));
            }
            Text heading = text(StartScreen.RECENT, Font.font(family, FontWeight.BOLD, 11.5), MUTED);
            card.getChildren().add(new VBox(6, heading, list));
        }
        card.getChildren().add(text(StartScreen.KEYS, Font.font(family, 11.5), Color.web("#8a91a0")));
        card.setPadding(new Insets(36, 40, 32, 40));
        card.setBackground(fill(Color.WHITE, 14));
        card.setMaxWidth(620);
        card.setMaxHeight(Region.USE_PREF_SIZE);
        pixel.setManaged(false);
        pixel.resizeRelocate(0, 0, 1, 1);
        root.getChildren().addAll(card, pixel);
        root.setBackground(fill(new LinearGradient(0, 0, 0, 1, true, CycleMethod.NO_CYCLE,
                new Stop(0, Color.web("#f8f9fc")), new Stop(1, Color.web("#eef1f7"))), 0));
        root.setId("startSketch");
        FileDrops.install(root, opened);
    }

    /** The sketch, to be the root of the window's first scene. */
    public StackPane view() {
        return root;
    }

    /**
     * Changes one transparent pixel: the next frame then waits, before it is synced, for the frame before (the
     * sketch) to be drawn.
     */
    public void touch() {
        pixel.setOpacity(pixel.getOpacity() == 1 ? 0.99 : 1);
    }

    /** {@code node}, running {@code action} on a primary-button click. */
    private static Node clickable(Node node, Runnable action) {
        node.setCursor(Cursor.HAND);
        node.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY) {
                action.run();
            }
        });
        return node;
    }

    private static Node button(Icon icon, String label, boolean primary, String family) {
        HBox b = new HBox(7, icon(icon, 16, primary ? Color.WHITE : ACCENT),
                text(label, Font.font(family, 14), primary ? Color.WHITE : TEXT));
        b.setAlignment(Pos.CENTER_LEFT);
        b.setPadding(new Insets(9, 18, 9, 14));
        b.setBackground(fill(primary ? ACCENT : Color.TRANSPARENT, 6));
        if (!primary) {
            b.setBorder(new Border(new BorderStroke(BORDER, BorderStrokeStyle.SOLID, new CornerRadii(6),
                    BorderWidths.DEFAULT)));
        }
        return b;
    }

    /** The icon's path, scaled into a square of {@code size} px. */
    private static Node icon(Icon icon, double size, Color colour) {
        SVGPath path = new SVGPath();
        path.setContent(icon.path());
        path.setFill(colour);
        double w = path.getLayoutBounds().getWidth();
        double h = path.getLayoutBounds().getHeight();
        double scale = size / Math.max(1, Math.max(w, h));
        path.setScaleX(scale);
        path.setScaleY(scale);
        StackPane box = new StackPane(path);
        box.setMinSize(size, size);
        box.setPrefSize(size, size);
        box.setMaxSize(size, size);
        return box;
    }

    private static Text text(String s, Font font, Color colour) {
        Text t = new Text(s);
        t.setFont(font);
        t.setFill(colour);
        return t;
    }

    private static Background fill(Paint paint, double radius) {
        return new Background(new BackgroundFill(paint, new CornerRadii(radius), Insets.EMPTY));
    }
}
