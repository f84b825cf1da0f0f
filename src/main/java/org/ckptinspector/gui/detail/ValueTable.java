package org.ckptinspector.gui.detail;

import java.io.IOException;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.ErrorMessages;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.PreviewGrid;
import org.ckptinspector.app.TensorSlice;

/**
 * The Values tab: which slice of the tensor the grid shows (with a {@link SliceBar} for rank 3 and more), a
 * "go to" field that pages to any element, the value the mouse points at, and the grid, which scrolls through
 * the whole slice.
 */
final class ValueTable {
    private static final String GO_TO_HELP = "Go to an element: its index, one number per dimension (negative ones "
            + "count from the end), or its position in row-major order; Enter";
    private final ValueGrid view;
    private final Label caption = new Label();
    private final Label pointed = new Label();
    private final SliceBar slices;
    private final TextField goTo = new TextField();

    private ValueTable(PreviewGrid grid) {
        view = new ValueGrid(grid);
        view.setId("valueGrid");
        caption.setId("valueCaption");
        caption.getStyleClass().add("link-meta");
        caption.setMinWidth(Region.USE_PREF_SIZE);
        pointed.setId("valuePointed");
        pointed.getStyleClass().add("value-pointed");
        pointed.textProperty().bind(view.pointedProperty());
        slices = new SliceBar(grid.slice(), this::showSlice);
        slices.setId("valueSlice");
        goTo.setId("goToIndex");
        goTo.setPromptText(grid.slice().rank() <= 1 ? "index" : "[i, j, …]");
        goTo.setPrefColumnCount(9);
        goTo.setTooltip(new Tooltip(GO_TO_HELP));
        goTo.setOnAction(e -> goTo(goTo.getText()));
        caption();
    }

    static Node of(PreviewGrid grid) {
        ValueTable t = new ValueTable(grid);
        Label goLabel = new Label("Go to");
        goLabel.getStyleClass().add("fact-label");
        goLabel.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(12, t.caption, spacer, goLabel, t.goTo);
        top.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, top);
        if (grid.slice().sliceable()) {
            box.getChildren().add(t.slices);
        }
        box.getChildren().addAll(t.pointed, t.view);
        box.getStyleClass().add("detail-content");
        VBox.setVgrow(t.view, Priority.ALWAYS);
        return box;
    }

    private void showSlice(TensorSlice s) {
        try {
            view.setGrid(view.grid().withSlice(s));
            caption();
        } catch (IOException | RuntimeException e) {
            caption.setText(ErrorMessages.of(e));
        }
    }

    /** Shows the element {@code text} names: its slice, scrolled to and marked. */
    void goTo(String text) {
        PreviewGrid grid = view.grid();
        long[] index;
        try {
            index = TensorSlice.parseIndex(text, grid.shape());
        } catch (IllegalArgumentException e) {
            goTo.getStyleClass().add("field-error");
            goTo.getTooltip().setText(e.getMessage());
            caption.setText(e.getMessage());
            return;
        }
        goTo.getStyleClass().remove("field-error");
        goTo.getTooltip().setText(GO_TO_HELP);
        TensorSlice s = grid.slice().containing(index);
        if (!s.equals(grid.slice())) {
            showSlice(s);
            slices.show(s);
        } else {
            caption();
        }
        long[] cell = s.cellOf(index);
        view.reveal(cell[0], cell[1]);
    }

    private void caption() {
        PreviewGrid g = view.grid();
        String slice = g.slice().describe();
        caption.setText((slice.isEmpty() ? "" : slice + "  ·  ") + Formats.count(g.totalRows()) + " rows × "
                + Formats.count(g.totalColumns()) + " columns");
    }
}
