package org.ckptinspector.gui.detail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.layout.FlowPane;
import org.ckptinspector.app.TensorSlice;

/**
 * Chooses the plane of a tensor of rank 3 or more that a view shows: the dimension along its rows and its
 * columns, and a spinner for the index of each other dimension. Reports every change as a new
 * {@link TensorSlice}; {@link #show} follows a slice chosen elsewhere (by "go to index").
 */
final class SliceBar extends FlowPane {
    private final Consumer<TensorSlice> changed;
    private TensorSlice slice;

    SliceBar(TensorSlice slice, Consumer<TensorSlice> changed) {
        super(10, 6);
        this.changed = changed;
        getStyleClass().add("slice-bar");
        setAlignment(Pos.CENTER_LEFT);
        show(slice);
    }

    TensorSlice slice() {
        return slice;
    }

    /** Rebuilds the controls for {@code s} without reporting it. */
    void show(TensorSlice s) {
        slice = s;
        getChildren().clear();
        if (!s.sliceable()) {
            return;
        }
        getChildren().addAll(label("rows"), dimChoice("sliceRows", s.rowDim(), d -> set(slice.withRowDim(d))),
                label("columns"), dimChoice("sliceCols", s.colDim(), d -> set(slice.withColDim(d))));
        long[] shape = s.shape();
        long[] fixed = s.fixed();
        for (int d = 0; d < s.rank(); d++) {
            if (d == s.rowDim() || d == s.colDim()) {
                continue;
            }
            int dim = d;
            int max = (int) Math.min(Integer.MAX_VALUE, Math.max(0, shape[d] - 1));
            Spinner<Integer> spin = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, max,
                    (int) Math.min(max, fixed[d])));
            spin.setId("sliceIndex" + d);
            spin.setEditable(true);
            spin.setPrefWidth(Math.max(70, 18 + 9 * Integer.toString(max).length() + 30));
            spin.valueProperty().addListener((o, a, v) -> {
                if (v != null && v != slice.fixed()[dim]) {
                    set(slice.withIndex(dim, v));
                }
            });
            getChildren().addAll(label("dim " + d + " of " + shape[d]), spin);
        }
    }

    private void set(TensorSlice s) {
        boolean dimsChanged = s.rowDim() != slice.rowDim() || s.colDim() != slice.colDim();
        slice = s;
        if (dimsChanged) {
            show(s);
        }
        changed.accept(s);
    }

    private ComboBox<Integer> dimChoice(String id, int selected, Consumer<Integer> chosen) {
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < slice.rank(); d++) {
            dims.add(d);
        }
        ComboBox<Integer> box = new ComboBox<>(javafx.collections.FXCollections.observableArrayList(dims));
        box.setId(id);
        long[] shape = slice.shape();
        box.setCellFactory(l -> new DimCell(shape));
        box.setButtonCell(new DimCell(shape));
        box.setValue(selected);
        box.setOnAction(e -> {
            if (box.getValue() != null && box.getValue() != selected) {
                chosen.accept(box.getValue());
            }
        });
        return box;
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("fact-label");
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    /** A dimension as "dim 1 (3)". */
    private static final class DimCell extends ListCell<Integer> {
        private final long[] shape;

        DimCell(long[] shape) {
            this.shape = shape;
        }

        @Override
        protected void updateItem(Integer d, boolean empty) {
            super.updateItem(d, empty);
            setText(empty || d == null ? null : "dim " + d + " (" + shape[d] + ")");
        }
    }
}
