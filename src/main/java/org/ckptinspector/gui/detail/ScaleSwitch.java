package org.ckptinspector.gui.detail;

import java.util.Optional;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.ScalePartners;
import org.ckptinspector.model.TensorRef;

/**
 * The Dequantized / Raw codes switch of a scaled float8 weight: which of its two readings the value sections
 * (statistics, histogram, values, heat map) show. Other tensors get no switch.
 */
final class ScaleSwitch {
    private ScaleSwitch() {}

    /**
     * The switch for {@code original} when it is a scaled weight, showing {@code shown} (the original or its raw
     * codes) as selected; choosing the other reading hands that tensor to {@code show}.
     */
    static Optional<Node> of(TensorRef original, TensorRef shown, Consumer<TensorRef> show) {
        if (!(original.quantization() instanceof Quantization.Scaled s)) {
            return Optional.empty();
        }
        ToggleGroup group = new ToggleGroup();
        ToggleButton dequantized = new ToggleButton("Dequantized");
        ToggleButton raw = new ToggleButton("Raw codes");
        dequantized.setId("scaleDequantized");
        raw.setId("scaleRaw");
        dequantized.setToggleGroup(group);
        raw.setToggleGroup(group);
        (shown == original ? dequantized : raw).setSelected(true);
        group.selectedToggleProperty().addListener((obs, was, now) -> {
            if (now == null) {
                was.setSelected(true); // one reading is always shown
            } else if (now == raw && shown == original) {
                show.accept(ScalePartners.rawCodes(original));
            } else if (now == dequantized && shown != original) {
                show.accept(original);
            }
        });
        Label note = new Label("× " + s.scale().key() + " (" + s.layout().id() + ")");
        note.getStyleClass().add("link-meta");
        HBox box = new HBox(0, dequantized, raw);
        HBox row = new HBox(10, box, note);
        row.setAlignment(Pos.CENTER_LEFT);
        row.setId("scaleSwitch");
        return Optional.of(row);
    }
}
