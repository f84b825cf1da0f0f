package org.ckptinspector.gui;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import org.ckptinspector.app.WindowModel;
import org.ckptinspector.gui.icons.Icon;
import org.ckptinspector.gui.open.RecentFiles;

/** The main window's menu bar (with the keyboard shortcuts) and tool bar. */
final class AppMenus {
    private final MainWindow w;
    private final Stage stage;
    private final RecentFiles recent;

    AppMenus(MainWindow w, Stage stage, RecentFiles recent) {
        this.w = w;
        this.stage = stage;
        this.recent = recent;
    }

    MenuBar menuBar() {
        MenuItem open = item("Open…", "Shortcut+O", () -> w.opens().showOpenDialog());
        Menu recentMenu = new Menu("Open Recent");
        Runnable fillRecent = () -> {
            recentMenu.getItems().clear();
            for (Path p : recent.files()) {
                recentMenu.getItems().add(item(p.getFileName().toString(), null, () -> w.openFile(p)));
            }
            recentMenu.setDisable(recent.files().isEmpty());
        };
        recent.files().addListener((ListChangeListener<Path>) c -> fillRecent.run());
        fillRecent.run();
        MenuItem openFolder = item("Open Folder…", "Shortcut+Shift+O",
                () -> w.opens().showOpenFolderDialog());
        MenuItem compare = item("Compare With…", "Shortcut+D", () -> w.opens().showCompareDialog());
        compare.disableProperty().bind(disabledUnless(WindowModel.Commands::compare));
        MenuItem compareAdapter = item("Compare With Adapter Folder…", null,
                () -> w.adapters().chooseAndCompare());
        compareAdapter.disableProperty().bind(disabledUnless(WindowModel.Commands::compare));
        compareAdapter.setId("compareAdapter");
        MenuItem exportMerged = item("Export Merged With Adapter…", null,
                () -> w.adapters().chooseAndExport());
        exportMerged.disableProperty().bind(disabledUnless(WindowModel.Commands::export));
        exportMerged.setId("exportMerged");
        MenuItem closeComparison = item("Close Comparison", null, () -> w.workspace().setComparison(null));
        closeComparison.disableProperty().bind(disabledUnless(WindowModel.Commands::closeComparison));
        closeComparison.setId("closeComparison");
        MenuItem export = item("Export…", "Shortcut+E", w::showExportDialog);
        export.disableProperty().bind(disabledUnless(WindowModel.Commands::export));
        MenuItem closeFile = item("Close File", "Shortcut+W", () -> w.workspace().closeAll());
        closeFile.disableProperty().bind(disabledUnless(WindowModel.Commands::closeFile));
        Menu file = new Menu("File", null, open, openFolder, recentMenu,
                item("Open Sample Checkpoint", null, () -> w.opens().openSample()),
                new SeparatorMenuItem(), compare, compareAdapter, closeComparison,
                new SeparatorMenuItem(), export, exportMerged,
                new SeparatorMenuItem(), closeFile,
                item("Quit", "Shortcut+Q", stage::close));
        Menu view = new Menu("View", null,
                item("Filter Keys", "Shortcut+F", w::focusFilter),
                item("Clear Filter", null, () -> w.filterBar().setText("", false)),
                new SeparatorMenuItem(),
                item("Expand All", "Shortcut+RIGHT", () -> w.tree().expandAll(true)),
                item("Collapse All", "Shortcut+LEFT", () -> w.tree().expandAll(false)),
                new SeparatorMenuItem(), collapseBlocksItem(),
                new SeparatorMenuItem(), w.dragOut().formatMenu());
        Menu help = new Menu("Help", null, item("Keyboard Shortcuts", "F1", this::showShortcuts));
        MenuBar bar = new MenuBar(file, view, help);
        bar.setId("menuBar");
        return bar;
    }

    /** View › Collapse Repeated Blocks: {@code layers.{0..31} × 32} and the blocks that differ. */
    private MenuItem collapseBlocksItem() {
        javafx.scene.control.CheckMenuItem i = new javafx.scene.control.CheckMenuItem("Collapse Repeated Blocks");
        i.setId("collapseBlocks");
        i.setOnAction(e -> w.workspace().setCollapseBlocks(i.isSelected()));
        return i;
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem i = new MenuItem(text);
        // A recent file's name is data: as a mnemonic, simple_adam.pt's underscore would vanish.
        i.setMnemonicParsing(false);
        if (accelerator != null) {
            i.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        i.setOnAction(e -> action.run());
        return i;
    }

    ToolBar toolBar() {
        Button open = toolButton("Open", Icon.OPEN, "Open a checkpoint (Ctrl+O)",
                () -> w.opens().showOpenDialog());
        open.setId("openButton");
        Button compare = toolButton("Compare", Icon.COMPARE, "Compare with a second checkpoint (Ctrl+D)",
                () -> w.opens().showCompareDialog());
        compare.setId("compareButton");
        compare.disableProperty().bind(disabledUnless(WindowModel.Commands::compare));
        Button export = toolButton("Export", Icon.EXPORT, "Export the tensors in the basket (Ctrl+E)",
                w::showExportDialog);
        export.setId("exportButton");
        export.disableProperty().bind(disabledUnless(WindowModel.Commands::export));
        ToolBar bar = new ToolBar(open, compare, export);
        bar.getStyleClass().add("main-toolbar");
        return bar;
    }

    /** True while the window's commands say the predicate's command does not apply. */
    private BooleanBinding disabledUnless(Predicate<WindowModel.Commands> applies) {
        return Bindings.createBooleanBinding(() -> w.commandsProperty().get() == null
                || !applies.test(w.commandsProperty().get()), w.commandsProperty());
    }

    static Button toolButton(String text, Icon icon, String tip, Runnable action) {
        Button b = new Button(text, icon.node(15));
        b.setTooltip(new Tooltip(tip));
        b.getStyleClass().add("tool-button");
        b.setOnAction(e -> action.run());
        return b;
    }

    /** The keyboard shortcuts, keys and what they do in two aligned columns. */
    static final List<String[]> SHORTCUTS = List.of(
            new String[] {"Ctrl+O", "Open a checkpoint"},
            new String[] {"Ctrl+Shift+O", "Open a folder"},
            new String[] {"Ctrl+D", "Compare with a second checkpoint"},
            new String[] {"Ctrl+E", "Export the ticked tensors"},
            new String[] {"Ctrl+F", "Filter keys (Esc clears)"},
            new String[] {"Ctrl+W", "Close the file"},
            new String[] {"↑ ↓", "Move through the tree"},
            new String[] {"→ ←", "Expand / collapse a row"},
            new String[] {"Ctrl+→ / ←", "Expand / collapse everything"},
            new String[] {"Space", "Tick / untick the selected rows for export"},
            new String[] {"Ctrl+Tab", "Next tab of the detail pane (Ctrl+Shift+Tab: previous)"},
            new String[] {"Ctrl+C", "Copy the selected values (Values tab)"},
            new String[] {"F1", "This list"});

    private void showShortcuts() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts");
        GridPane grid = new GridPane();
        grid.setHgap(18);
        grid.setVgap(6);
        grid.setId("shortcutList");
        for (int i = 0; i < SHORTCUTS.size(); i++) {
            Label keys = new Label(SHORTCUTS.get(i)[0]);
            keys.getStyleClass().add("shortcut-keys");
            keys.setMinWidth(Region.USE_PREF_SIZE);
            Label what = new Label(SHORTCUTS.get(i)[1]);
            what.setMinWidth(Region.USE_PREF_SIZE);
            grid.addRow(i, keys, what);
        }
        a.getDialogPane().setContent(grid);
        a.getDialogPane().setId("shortcutsDialog");
        a.getDialogPane().getStylesheets().addAll(w.scene().getStylesheets());
        a.show();
    }
}
