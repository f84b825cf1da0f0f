package org.ckptinspector.gui;

import java.io.File;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.ckptinspector.app.ComparisonModel;
import org.ckptinspector.app.ComparisonState;
import org.ckptinspector.app.DiffMerge;
import org.ckptinspector.app.DiffStatus;
import org.ckptinspector.app.ErrorMessages;
import org.ckptinspector.app.FilteredTree;
import org.ckptinspector.app.LayerFilter;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.OpenRequest;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.detail.TensorInsights;
import org.ckptinspector.gui.diff.DiffPanel;
import org.ckptinspector.gui.export.DragOut;
import org.ckptinspector.gui.export.ExportBasket;
import org.ckptinspector.gui.export.ExportDialog;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.FileDrops;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.open.SampleCheckpoint;
import org.ckptinspector.gui.open.StartScreen;
import org.ckptinspector.gui.security.SecurityBanner;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.task.MonitoredTask;
import org.ckptinspector.gui.task.NextFrame;
import org.ckptinspector.gui.timeline.TimelineLauncher;
import org.ckptinspector.gui.tree.FilterBar;
import org.ckptinspector.gui.tree.LayerTreeTable;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * The main window: menu and tool bar, the security banner, the layer tree with its filter beside the detail
 * pane, and the status bar; the start screen while no file is open. Opening, comparing and exporting run as
 * background tasks.
 */
public final class MainWindow {
    /** Placeholder rows the hidden tree makes per frame before the first file opens. */
    private static final int PRIMED_ROWS_PER_FRAME = 6;

    private final Stage stage;
    private final Background background;
    private final RecentFiles recent;
    private final Workspace workspace = new Workspace();
    private final ExportSelection exportSelection = new ExportSelection();
    private final ComparisonState comparisons = new ComparisonState();
    private final FilterBar filterBar = new FilterBar();
    private final LayerTreeTable tree = new LayerTreeTable(exportSelection);
    private final SecurityBanner securityBanner = new SecurityBanner();
    private final StatusBar statusBar;
    private final DetailPane detail;
    private final StackPane center = new StackPane();
    private final SplitPane workArea;
    private final StartScreen startScreen;
    private final Scene scene;
    private final DiffPanel diffPanel;
    private final ExportBasket basket;
    private final TimelineLauncher timelines;
    private final DragOut dragOut;
    private ExportDialog exportDialog;
    private LayerNode currentTree;
    private boolean detailQueued;
    /** The rows of the file being opened, built with it off the FX thread. */
    private LayerTreeTable.Rows openedRows;

    /** A file opened in the background and, for the file to show, its tree's rows. */
    private record Opened(OpenedCheckpoint doc, LayerTreeTable.Rows rows) {}

    /** A comparison made in the background, with the rows of its merged tree. */
    private record Compared(DiffMerge merged, ComparisonState.Marks marks, LayerTreeTable.Rows rows) {}

    public MainWindow(Stage stage, Background background, RecentFiles recent) {
        this.stage = stage;
        this.background = background;
        this.recent = recent;
        this.statusBar = new StatusBar(background);
        this.detail = new DetailPane(new TensorInsights(background, comparisons), tree::select);
        this.dragOut = new DragOut(background, () -> workspace.primary() == null ? null
                : workspace.primary().checkpoint(), java.util.prefs.Preferences.userNodeForPackage(DragOut.class),
                this::showError);
        tree.setDragFiles(dragOut::files);
        this.timelines = new TimelineLauncher(stage, background, this::openFiles, this::showError);
        this.startScreen = new StartScreen(recent, this::showOpenDialog, this::openSample, this::openFile);

        this.diffPanel = new DiffPanel(() -> workspace.setComparison(null));
        VBox treeColumn = new VBox(filterBar.view(), tree.view(), diffPanel.view());
        treeColumn.getStyleClass().add("tree-column");
        VBox.setVgrow(tree.view(), Priority.ALWAYS);
        this.basket = new ExportBasket(exportSelection, () -> currentTree, this::showExportDialog);
        VBox detailColumn = new VBox(detail.view(), basket.view());
        VBox.setVgrow(detail.view(), Priority.ALWAYS);
        workArea = new SplitPane(treeColumn, detailColumn);
        workArea.setOrientation(Orientation.HORIZONTAL);
        workArea.setDividerPositions(0.56);
        workArea.getStyleClass().add("work-area");
        center.getChildren().setAll(startScreen.view());

        BorderPane root = new BorderPane();
        AppMenus menus = new AppMenus(this, stage, recent);
        root.setTop(new VBox(menus.menuBar(), menus.toolBar(), securityBanner.view()));
        root.setCenter(center);
        root.setBottom(statusBar.view());
        root.getStyleClass().add("main-window");
        root.setId("mainWindow");

        scene = new Scene(root, 1280, 800);
        scene.getStylesheets().add(MainWindow.class.getResource("inspector.css").toExternalForm());
        FileDrops.install(root, this::openPaths);

        filterBar.filterProperty().addListener((obs, was, f) -> applyFilter(f));
        tree.selectedProperty().addListener((obs, was, node) -> showDetailSoon());
        workspace.primaryProperty().addListener((obs, was, doc) -> showDocument(doc));
        workspace.comparisonProperty().addListener((obs, was, doc) -> {
            if (doc == null) {
                endComparison();
            } else {
                startComparison();
            }
        });
        diffPanel.alignPrefixesProperty().addListener((obs, was, now) -> startComparison());
        diffPanel.differencesOnlyProperty().addListener((obs, was, now) -> applyFilter(filterBar.filterProperty().get()));
        stage.setScene(scene);
        updateTitle();
    }

    /**
     * Warms the views up while the start screen shows ({@link WarmUp}), then puts the work area, hidden, under
     * the start screen, so that the first file opens into controls that already exist. Completes once that has
     * been drawn. Best effort: opening a file before is fine, only slower.
     */
    public CompletableFuture<Void> warmUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        WarmUp.start(scene.getStylesheets().get(0), () -> prepareWorkArea(() -> done.complete(null)));
        return done;
    }

    /**
     * Puts the work area, hidden, under the start screen, and in the frames after gives its tree placeholder
     * rows, a few a frame, so that the controls, cells and styles the first file needs exist before it opens
     * rather than stalling the window when it does.
     */
    private void prepareWorkArea(Runnable then) {
        if (workspace.primary() != null || center.getChildren().contains(workArea)) {
            then.run();
            return;
        }
        workArea.setVisible(false);
        center.getChildren().add(0, workArea);
        NextFrame.run(scene, () -> primeTree(then));
    }

    private void primeTree(Runnable then) {
        if (workspace.primary() == null && tree.prime(PRIMED_ROWS_PER_FRAME)) {
            NextFrame.run(scene, () -> primeTree(then));
        } else {
            NextFrame.run(scene, then);
        }
    }

    public Scene scene() {
        return scene;
    }

    public Workspace workspace() {
        return workspace;
    }

    public Background background() {
        return background;
    }

    public LayerTreeTable tree() {
        return tree;
    }

    public ComparisonState comparisonState() {
        return comparisons;
    }

    public ExportSelection exportSelection() {
        return exportSelection;
    }

    public SplitPane workArea() {
        return workArea;
    }

    /** Opens {@code a}, and {@code b} (if not null) as the comparison once {@code a} is open. */
    public void openFiles(Path a, Path b) {
        open(a, true, doc -> {
            workspace.setPrimary(doc);
            if (b != null) {
                compareWith(b);
            }
        });
    }

    public void openFile(Path file) {
        openPaths(java.util.List.of(file));
    }

    /** Opens what the user named ({@link OpenRequest}): one checkpoint, two to compare, or a run's Timeline. */
    public void openPaths(java.util.List<Path> paths) {
        OpenRequest request;
        try {
            request = OpenRequest.of(paths);
        } catch (java.io.IOException | RuntimeException e) {
            showError("Cannot open " + paths.get(0).getFileName(), e);
            return;
        }
        if (request instanceof OpenRequest.Run run) {
            timelines.open(run.files());
        } else if (request instanceof OpenRequest.Pair pair) {
            openFiles(pair.a(), pair.b());
        } else {
            openFiles(((OpenRequest.One) request).file(), null);
        }
    }

    public DragOut dragOut() {
        return dragOut;
    }

    public TimelineLauncher timelines() {
        return timelines;
    }

    /** Opens {@code b} as the comparison of the open file. */
    public void compareWith(Path b) {
        if (workspace.primary() == null) {
            openFile(b);
            return;
        }
        open(b, false, workspace::setComparison);
    }

    /** Opens a file in the background; the one to show gets its tree's rows built there too. */
    private void open(Path file, boolean shown, Consumer<OpenedCheckpoint> then) {
        background.run(new MonitoredTask<>("Opening " + file.getFileName(), m -> {
            OpenedCheckpoint doc = OpenedCheckpoint.open(file, m);
            try {
                return new Opened(doc, shown ? rowsOf(doc.tree()) : null);
            } catch (RuntimeException e) {
                doc.close();
                throw e;
            }
        }), opened -> {
            recent.add(file);
            openedRows = opened.rows();
            then.accept(opened.doc());
            openedRows = null;
        }, error -> showError("Cannot open " + file.getFileName(), error));
    }

    private static LayerTreeTable.Rows rowsOf(LayerNode root) {
        return LayerTreeTable.prepare(root, FilteredTree.of(root, LayerFilter.NONE));
    }

    public void openSample() {
        try {
            openFile(SampleCheckpoint.file());
        } catch (java.io.IOException e) {
            showError("Cannot open the sample", e);
        }
    }

    void showOpenDialog() {
        java.util.List<File> files = chooser("Open checkpoints").showOpenMultipleDialog(stage);
        if (files != null && !files.isEmpty()) {
            openPaths(files.stream().map(File::toPath).toList());
        }
    }

    void showCompareDialog() {
        File f = chooser("Compare with checkpoint").showOpenDialog(stage);
        if (f != null) {
            compareWith(f.toPath());
        }
    }

    private FileChooser chooser(String title) {
        FileChooser c = new FileChooser();
        c.setTitle(title);
        c.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Checkpoints", "*.pt", "*.pth", "*.ckpt", "*.bin",
                        "*.safetensors", "*.json", "*.pkl", "*.tar"),
                new FileChooser.ExtensionFilter("All files", "*"));
        OpenedCheckpoint doc = workspace.primary();
        Path dir = doc != null ? doc.file().toAbsolutePath().getParent()
                : recent.files().isEmpty() ? null : recent.files().get(0).getParent();
        if (dir != null && dir.toFile().isDirectory()) {
            c.setInitialDirectory(dir.toFile());
        }
        return c;
    }

    /**
     * Shows the selected row's detail after the next frame, once for any number of selection changes before:
     * a new tree shows a frame earlier, and browsing with the arrow keys builds only the detail it stops at.
     */
    private void showDetailSoon() {
        if (!detailQueued) {
            detailQueued = true;
            NextFrame.run(scene, () -> {
                detailQueued = false;
                detail.show(tree.selectedProperty().get(), workspace.primary());
            });
        }
    }

    private void showDocument(OpenedCheckpoint doc) {
        exportSelection.clear();
        securityBanner.show(doc == null ? java.util.List.of() : doc.globals());
        if (doc == null) {
            workArea.setVisible(false);
            center.getChildren().setAll(workArea, startScreen.view());
            tree.clear();
            statusBar.showTotals(null, 0);
            detail.clear();
            updateTitle();
            return;
        }
        EnumSet<DType> present = EnumSet.noneOf(DType.class);
        doc.checkpoint().tensors().stream().map(TensorRef::dtype).forEach(present::add);
        // The filter resets to none with the new file's dtypes; the rows below are already unfiltered.
        currentTree = null;
        filterBar.setDTypes(present);
        currentTree = doc.tree();
        boolean prepared = openedRows != null && openedRows.tree() == doc.tree();
        tree.show(prepared ? openedRows : rowsOf(doc.tree()));
        center.getChildren().setAll(workArea);
        workArea.setVisible(true);
        statusBar.showTotals(doc.tree().aggregate(), doc.tree().aggregate().tensors());
        updateTitle();
        tree.view().requestFocus();
    }

    private void applyFilter(LayerFilter f) {
        OpenedCheckpoint doc = workspace.primary();
        if (doc == null || currentTree == null) {
            return;
        }
        boolean differencesOnly = comparisons.isActive() && diffPanel.differencesOnlyProperty().get();
        FilteredTree filtered = differencesOnly
                ? FilteredTree.of(currentTree, f, n -> {
                    DiffStatus s = comparisons.status(n);
                    return s != null && s != DiffStatus.IDENTICAL;
                })
                : FilteredTree.of(currentTree, f);
        tree.applyFilter(filtered, !f.isEmpty() || differencesOnly);
        statusBar.showTotals(doc.tree().aggregate(), f.isEmpty() ? doc.tree().aggregate().tensors()
                : filtered.matchedTensors());
    }

    /** Shows the rows of the unfiltered tree, then applies the filter in force, if any. */
    private void showRows(LayerTreeTable.Rows rows) {
        tree.show(rows);
        LayerFilter f = filterBar.filterProperty().get();
        if (!f.isEmpty() || comparisons.isActive() && diffPanel.differencesOnlyProperty().get()) {
            applyFilter(f);
        } else {
            OpenedCheckpoint doc = workspace.primary();
            statusBar.showTotals(doc.tree().aggregate(), doc.tree().aggregate().tensors());
        }
    }

    /** Compares A with B in the background, then shows the merged tree with its marks. */
    private void startComparison() {
        OpenedCheckpoint a = workspace.primary();
        OpenedCheckpoint b = workspace.comparison();
        if (a == null || b == null) {
            return;
        }
        updateTitle();
        boolean align = diffPanel.alignPrefixesProperty().get();
        var task = background.run(new MonitoredTask<>("Comparing " + a.file().getFileName() + " with "
                + b.file().getFileName(), m -> {
                    var c = ComparisonModel.compare(a, b, align, Background.analysisThreads(), m);
                    return new Compared(c.merged(), c.marks(), rowsOf(c.merged().tree()));
                }), compared -> {
                    if (workspace.primary() != a || workspace.comparison() != b) {
                        return;
                    }
                    DiffMerge merged = compared.merged();
                    comparisons.set(compared.marks());
                    currentTree = merged.tree();
                    tree.setDiffStatus(comparisons::status);
                    showRows(compared.rows());
                    diffPanel.show(merged.result(), comparisons.counts(), a.file().getFileName().toString(),
                            b.file().getFileName().toString());
                }, error -> {
                    showError("Cannot compare the files", error);
                    workspace.setComparison(null);
                });
        task.setOnCancelled(e -> {
            if (workspace.comparison() == b) {
                workspace.setComparison(null);
            }
        });
    }

    private void endComparison() {
        comparisons.clear();
        diffPanel.hide();
        tree.setDiffStatus(null);
        OpenedCheckpoint doc = workspace.primary();
        if (doc != null && currentTree != doc.tree()) {
            currentTree = doc.tree();
            showRows(rowsOf(currentTree));
        }
        updateTitle();
    }

    private void updateTitle() {
        OpenedCheckpoint a = workspace.primary();
        OpenedCheckpoint b = workspace.comparison();
        String t = "Checkpoint Inspector";
        if (a != null) {
            t = a.file().getFileName() + (b == null ? "" : "  ↔  " + b.file().getFileName()) + "  —  " + t;
        }
        stage.setTitle(t);
    }

    /**
     * Opens the export dialog for the basket's tensors (or, with an empty basket, the selected rows'), in the
     * source's file order. Rows only B has cannot be exported from A and are left out.
     */
    public ExportDialog showExportDialog() {
        OpenedCheckpoint doc = workspace.primary();
        if (doc == null) {
            return null;
        }
        if (exportSelection.keys().isEmpty()) {
            tree.selectedNodes().forEach(exportSelection::toggle);
        }
        java.util.Set<String> chosen = exportSelection.keys();
        java.util.List<String> keys = doc.checkpoint().tensors().stream().map(TensorRef::key)
                .filter(chosen::contains).distinct().toList();
        if (exportDialog != null) {
            exportDialog.stage().close();
        }
        exportDialog = new ExportDialog(stage, doc.checkpoint(), keys, background, this::openFile);
        exportDialog.show();
        return exportDialog;
    }

    /** Shows a failure in plain words. */
    public void showError(String title, Throwable error) {
        Alert alert = new Alert(Alert.AlertType.ERROR, ErrorMessages.of(error), ButtonType.OK);
        alert.initOwner(stage);
        alert.setTitle(title);
        alert.setHeaderText(title);
        alert.getDialogPane().getStylesheets().addAll(scene.getStylesheets());
        alert.getDialogPane().setId("errorDialog");
        alert.show();
    }

    void focusFilter() {
        if (workspace.primary() != null) {
            filterBar.field().requestFocus();
            filterBar.field().selectAll();
        }
    }

    public FilterBar filterBar() {
        return filterBar;
    }
}
