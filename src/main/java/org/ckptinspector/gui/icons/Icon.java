package org.ckptinspector.gui.icons;

import javafx.scene.layout.Region;
import org.ckptinspector.app.DiffStatus;

/**
 * The app's icons, drawn as SVG path shapes on a Region: they scale crisply at any screen density, take their
 * colour from the stylesheet ({@code -fx-background-color}) and need no font or image download. Paths use a
 * 24×24 box; holes are drawn in the opposite direction to their outline (non-zero fill).
 */
public enum Icon {
    OPEN("M2 5h7l2 2h11v13H2zM4 9v9h16V9z"),
    COMPARE("M3 4h8v16H3zM13 4h8v16h-8zM15 6v12h4V6z"),
    EXPORT("M12 2l5 5h-3.5v7h-3.5V7H7zM3 14h3v5h12v-5h3v8H3z"),
    MODULE("M12 2l10 5-10 5-10-5zM2 12l10 5 10-5v2.5l-10 5-10-5z"),
    TENSOR("M3 3h5v5H3zM9.5 3h5v5h-5zM16 3h5v5h-5zM3 9.5h5v5H3zM9.5 9.5h5v5h-5zM16 9.5h5v5h-5z"
            + "M3 16h5v5H3zM9.5 16h5v5h-5zM16 16h5v5h-5z"),
    CONTAINER("M9 3H7C5.5 3 5 4 5 5v4c0 1-1 2-2 2v2c1 0 2 1 2 2v4c0 1 .5 2 2 2h2v-2H7v-4.5c0-1-.6-2-1.5-2.5"
            + ".9-.5 1.5-1.5 1.5-2.5V5h2zM15 3h2c1.5 0 2 1 2 2v4c0 1 1 2 2 2v2c-1 0-2 1-2 2v4c0 1-.5 2-2 2h-2v-2h2"
            + "v-4.5c0-1 .6-2 1.5-2.5-.9-.5-1.5-1.5-1.5-2.5V5h-2z"),
    VALUE("M12 7a5 5 0 1 1 0 10a5 5 0 1 1 0-10z"),
    WARNING("M12 2L23 21H1zM11 9v6h2V9zM11 17v2h2v-2z"),
    SHIELD("M12 2l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V5zM11 7v7h2V7zM11 16v2h2v-2z"),
    IDENTICAL("M9 16.2L4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"),
    CHANGED("M12 3l10 17H2zM12 7.5L5.6 18h12.8z"),
    ONLY_A("M4 10h16v4H4z"),
    ONLY_B("M10 4h4v6h6v4h-6v6h-4v-6H4v-4h6z"),
    MISMATCH("M4 7.5h16V10H4zM4 14h16v2.5H4zM14.5 2.5l2.2.9-7.2 18.2-2.2-.9z"),
    SEARCH("M10 3a7 7 0 1 1 0 14a7 7 0 1 1 0-14zM10 5a5 5 0 1 0 0 10a5 5 0 1 0 0-10zM14.6 13.2l6.2 6.2-1.4 1.4"
            + "-6.2-6.2z"),
    CLOSE("M5.6 4.2L12 10.6l6.4-6.4 1.4 1.4-6.4 6.4 6.4 6.4-1.4 1.4-6.4-6.4-6.4 6.4-1.4-1.4 6.4-6.4-6.4-6.4z"),
    SAMPLE("M9 2h6v2h-1v5l6 10c.6 1-.1 2-1.2 2H5.2c-1.1 0-1.8-1-1.2-2l6-10V4H9z"),
    RECENT("M12 2a10 10 0 1 1 0 20a10 10 0 1 1 0-20zM12 4a8 8 0 1 0 0 16a8 8 0 1 0 0-16zM11 7h2v5l4 2.3-1 1.7"
            + "-5-3z"),
    BASKET("M2 9h20l-2.5 11h-15zM6.5 9l4-6 1.6 1.1L8.9 9zM17.5 9l-4-6-1.6 1.1L15.1 9z");

    private final String path;

    Icon(String path) {
        this.path = path;
    }

    /** The SVG path data. */
    public String path() {
        return path;
    }

    /** A square region of {@code size} px showing this icon, styled {@code icon icon-<name>}. */
    public Region node(double size) {
        Region r = new Region();
        r.setStyle("-fx-shape: \"" + path + "\";");
        r.setScaleShape(true);
        r.setMinSize(size, size);
        r.setPrefSize(size, size);
        r.setMaxSize(size, size);
        r.getStyleClass().addAll("icon", "icon-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        return r;
    }

    /** The icon of a comparison status. */
    public static Icon of(DiffStatus s) {
        return switch (s) {
            case IDENTICAL -> IDENTICAL;
            case CHANGED -> CHANGED;
            case DTYPE_MISMATCH, SHAPE_MISMATCH -> MISMATCH;
            case ONLY_IN_A -> ONLY_A;
            case ONLY_IN_B -> ONLY_B;
            case NOT_COMPARED -> VALUE;
        };
    }
}
