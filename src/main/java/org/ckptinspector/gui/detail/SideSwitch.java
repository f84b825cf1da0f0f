package org.ckptinspector.gui.detail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import org.ckptinspector.app.InsightsModel.Side;

/**
 * The A | B switch above the values and the heat map of a compared tensor: whose tensor they show. The switches
 * of one tensor's tabs move together.
 */
final class SideSwitch {
    private final Consumer<Side> choose;
    private final List<ToggleGroup> groups = new ArrayList<>();
    private Side side;

    SideSwitch(Side side, Consumer<Side> choose) {
        this.side = side;
        this.choose = choose;
    }

    /** One more switch, for a tab; {@code what} names what it switches ("values", "heat map"). */
    Node view(String what) {
        ToggleGroup group = new ToggleGroup();
        ToggleButton a = button("A", "A's " + what, Side.A, group);
        ToggleButton b = button("B", "B's " + what + " (the compared file)", Side.B, group);
        groups.add(group);
        group.selectedToggleProperty().addListener((obs, was, now) -> {
            if (now == null) {
                was.setSelected(true); // one side is always shown
            } else if (now.getUserData() != side) {
                side = (Side) now.getUserData();
                // selecting the side's toggle deselects the other: no group is ever without a selection
                groups.forEach(g -> g.getToggles().stream().filter(t -> t.getUserData() == side)
                        .forEach(t -> t.setSelected(true)));
                choose.accept(side);
            }
        });
        Label label = new Label("Show");
        label.getStyleClass().add("fact-label");
        HBox row = new HBox(8, label, new HBox(0, a, b));
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("side-switch");
        return row;
    }

    private ToggleButton button(String text, String tip, Side s, ToggleGroup group) {
        ToggleButton t = new ToggleButton(text);
        t.setId("side" + text);
        t.setUserData(s);
        t.setToggleGroup(group);
        t.setTooltip(new Tooltip("Show " + tip));
        t.setSelected(s == side);
        return t;
    }
}
