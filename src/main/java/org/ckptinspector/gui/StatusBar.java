package org.ckptinspector.gui;

import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.concurrent.Task;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.ckptinspector.app.Aggregate;
import org.ckptinspector.app.DTypeTotals;
import org.ckptinspector.app.Formats;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.model.DType;

/** The bottom bar: totals of the open file (tensors, parameters, bytes by dtype) and the running task. */
final class StatusBar {
    private final Label totals = new Label("No file open");
    private final HBox dtypes = new HBox(6);
    private final Label taskMessage = new Label();
    private final ProgressBar progress = new ProgressBar();
    private final Button cancel = new Button("Cancel");
    private final HBox taskBox = new HBox(8, taskMessage, progress, cancel);
    private final HBox box;

    StatusBar(Background background) {
        totals.setId("totals");
        totals.getStyleClass().add("totals");
        dtypes.setAlignment(Pos.CENTER_LEFT);
        progress.setPrefWidth(160);
        cancel.setId("cancelTask");
        cancel.getStyleClass().add("small-button");
        taskBox.setAlignment(Pos.CENTER_RIGHT);
        taskBox.setId("taskBox");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        box = new HBox(12, totals, dtypes, spacer, taskBox);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("status-bar");
        background.currentProperty().addListener((obs, was, task) -> showTask(task));
        showTask(null);
    }

    HBox view() {
        return box;
    }

    /** Shows the totals of a file; {@code shownTensors} < all when a filter hides some. */
    void showTotals(Aggregate all, long shownTensors) {
        if (all == null) {
            totals.setText("No file open");
            dtypes.getChildren().clear();
            return;
        }
        String head = shownTensors < all.tensors()
                ? "Showing " + Formats.count(shownTensors) + " of " + Formats.count(all.tensors()) + " tensors"
                : Formats.count(all.tensors()) + (all.tensors() == 1 ? " tensor" : " tensors");
        totals.setText(head + "  ·  " + Formats.compactCount(all.parameters()) + " parameters  ·  "
                + Formats.bytes(all.bytes()));
        totals.setTooltip(new javafx.scene.control.Tooltip(Formats.count(all.parameters()) + " parameters, "
                + Formats.count(all.bytes()) + " bytes"));
        dtypes.getChildren().clear();
        for (Map.Entry<DType, DTypeTotals> e : all.byDType().entrySet()) {
            Label chip = new Label(e.getKey().torchName() + "  " + Formats.bytes(e.getValue().bytes()));
            chip.getStyleClass().addAll("chip", "dtype-chip");
            dtypes.getChildren().add(chip);
        }
    }

    private void showTask(Task<?> task) {
        taskBox.setVisible(task != null);
        taskBox.setManaged(task != null);
        taskMessage.textProperty().unbind();
        progress.progressProperty().unbind();
        if (task != null) {
            taskMessage.textProperty().bind(task.messageProperty());
            progress.progressProperty().bind(Bindings.createDoubleBinding(
                    () -> task.getProgress() < 0 ? -1 : task.getProgress(), task.progressProperty()));
            cancel.setOnAction(e -> task.cancel());
        }
    }
}
