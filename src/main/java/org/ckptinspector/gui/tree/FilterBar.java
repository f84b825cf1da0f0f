package org.ckptinspector.gui.tree;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import javafx.animation.PauseTransition;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.util.Duration;
import org.ckptinspector.app.LayerFilter;
import org.ckptinspector.gui.icons.Icon;
import org.ckptinspector.gui.task.FxThread;
import org.ckptinspector.model.DType;
import org.controlsfx.control.textfield.TextFields;

/**
 * The filter controls above the tree: a text field with a clear button (substring, or regex with the ".*"
 * toggle), and a dtype menu listing the dtypes the file holds. Typing is debounced so the tree rebuilds once
 * per pause, not per key.
 */
public final class FilterBar {
    private static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");

    private final TextField field = TextFields.createClearableTextField();
    private final ToggleButton regex = new ToggleButton(".*");
    private final MenuButton dtypeMenu = new MenuButton("All dtypes");
    private final HBox box;
    private final ReadOnlyObjectWrapper<LayerFilter> filter = new ReadOnlyObjectWrapper<>(LayerFilter.NONE);
    private final PauseTransition debounce = new PauseTransition(Duration.millis(150));

    public FilterBar() {
        FxThread.check();
        field.setId("filterField");
        field.setPromptText("Filter keys   (Ctrl+F)");
        field.getStyleClass().add("filter-field");
        HBox.setHgrow(field, Priority.ALWAYS);
        regex.setId("regexToggle");
        regex.setTooltip(new Tooltip("Treat the filter as a regular expression"));
        regex.getStyleClass().add("regex-toggle");
        dtypeMenu.setId("dtypeMenu");
        // It shows a dtype's name once one is chosen: float8_e4m3fn keeps its underscore.
        dtypeMenu.setMnemonicParsing(false);
        dtypeMenu.getStyleClass().add("dtype-menu");
        var search = Icon.SEARCH.node(14);
        search.getStyleClass().add("filter-icon");
        box = new HBox(6, search, field, regex, dtypeMenu);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("filter-bar");
        debounce.setOnFinished(e -> publish());
        field.textProperty().addListener((obs, was, now) -> debounce.playFromStart());
        regex.selectedProperty().addListener((obs, was, now) -> publish());
        field.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                field.clear();
                publish();
            } else if (e.getCode() == KeyCode.ENTER) {
                publish();
            }
        });
    }

    public HBox view() {
        return box;
    }

    public TextField field() {
        return field;
    }

    public ReadOnlyObjectProperty<LayerFilter> filterProperty() {
        return filter.getReadOnlyProperty();
    }

    /** Offers the dtypes of a newly opened file and resets the filter. */
    public void setDTypes(Collection<DType> present) {
        dtypeMenu.getItems().clear();
        MenuItem all = new MenuItem("All dtypes");
        all.setOnAction(e -> {
            dtypeMenu.getItems().forEach(i -> {
                if (i instanceof CheckMenuItem c) {
                    c.setSelected(false);
                }
            });
            publish();
        });
        dtypeMenu.getItems().addAll(all, new SeparatorMenuItem());
        for (DType d : EnumSet.copyOf(present.isEmpty() ? EnumSet.noneOf(DType.class) : present)) {
            CheckMenuItem item = new CheckMenuItem(d.torchName());
            item.setMnemonicParsing(false);
            item.setUserData(d);
            item.selectedProperty().addListener((obs, was, now) -> publish());
            dtypeMenu.getItems().add(item);
        }
        field.clear();
        publish();
    }

    /** Sets the text at once (no debounce); used by tests and the "select by regex" action. */
    public void setText(String text, boolean asRegex) {
        regex.setSelected(asRegex);
        field.setText(text);
        publish();
    }

    private void publish() {
        debounce.stop();
        Set<DType> chosen = EnumSet.noneOf(DType.class);
        dtypeMenu.getItems().forEach(i -> {
            if (i instanceof CheckMenuItem c && c.isSelected()) {
                chosen.add((DType) c.getUserData());
            }
        });
        dtypeMenu.setText(chosen.isEmpty() ? "All dtypes" : chosen.size() == 1
                ? chosen.iterator().next().torchName() : chosen.size() + " dtypes");
        LayerFilter f = new LayerFilter(field.getText(), regex.isSelected(), chosen);
        String error = f.regexError().orElse(null);
        field.pseudoClassStateChanged(INVALID, error != null);
        field.setTooltip(error == null ? null : new Tooltip("Invalid regex: " + error));
        filter.set(f);
    }
}
