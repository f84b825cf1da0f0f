package org.ckptinspector.gui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Scene;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.ckptinspector.app.ComparisonState;
import org.ckptinspector.app.GlobalRows;
import org.ckptinspector.app.ExportModel;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.WindowModel;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.detail.TensorInsights;
import org.ckptinspector.gui.diff.DiffPanel;
import org.ckptinspector.gui.export.DragOut;
import org.ckptinspector.gui.export.ExportBasket;
import org.ckptinspector.gui.export.ExportDialog;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.FileDrops;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.open.OpenActions;
import org.ckptinspector.gui.open.StartScreen;
import org.ckptinspector.gui.security.SecurityBanner;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.task.NextFrame;
import org.ckptinspector.gui.training.ContentsTabs;
import org.ckptinspector.gui.training.OptimizerMomentsSection;
import org.ckptinspector.gui.training.TrainingPane;
import org.ckptinspector.gui.timeline.TimelineLauncher;
import org.ckptinspector.gui.tree.FilterBar;
import org.ckptinspector.gui.tree.LayerTreeTable;

/**
 * The main window, laid out over a {@link WindowModel}: menu and tool bar, the security banner, the layer tree
 * with its filter beside the detail pane, and the status bar; the start screen while no file is open.
 */
public final class MainWindow {
    private final Stage stage;
    private final Background background;
    private final RecentFiles recent;
    private final WindowModel<LayerTreeTable.Rows> model;
    private final ReadOnlyObjectWrapper<WindowModel.Commands> commands = new ReadOnlyObjectWrapper<>();
    private final ExportSelection exportSelection = new ExportSelection();
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
    private final TrainingPane trainingPane;
    private final TimelineLauncher timelines;
    private final DragOut dragOut;
    private OpenActions opens;
    private ExportDialog exportDialog;
    private AdapterActions adapters;
    private boolean detailQueued;

    public MainWindow(Stage stage, Background background, RecentFiles recent) {
        this.stage = stage;
        this.background = background;
        this.recent = recent;
        this.statusBar = new StatusBar(background);
        TensorInsights insights = new TensorInsights(background, t -> comparisonState().of(t));
        OptimizerMomentsSection moments = new OptimizerMomentsSection(background);
        this.detail = new DetailPane((tabs, overview, t, doc) -> {
            insights.addTo(tabs, overview, t, doc);
            moments.addTo(tabs, overview, t, doc);
        }, tree::select, this::comparisonState);
        this.trainingPane = new TrainingPane(background, () -> stage);
        this.dragOut = new DragOut(background, this::openCheckpoint, recent.preferences(),
                this::showError);
        tree.setDragFiles(dragOut::files);
        this.timelines = new TimelineLauncher(stage, background, this::openFiles, this::showError);
        this.startScreen = new StartScreen(recent, () -> opens.showOpenDialog(), () -> opens.openSample(),
                this::openFile);

        this.diffPanel = new DiffPanel(() -> workspace().setComparison(null));
        VBox layers = new VBox(filterBar.view(), tree.view());
        VBox.setVgrow(tree.view(), Priority.ALWAYS);
        ExportBasket basket = new ExportBasket(exportSelection, () -> workspace().primary() == null ? null
                : workspace().primary().tree(), this::showExportDialog);
        workArea = WorkArea.of(ContentsTabs.of(layers, trainingPane.view()), diffPanel.view(), detail.view(),
                basket.view());
        center.getChildren().setAll(startScreen.view());

        this.model = new WindowModel<>(background, new WindowView(new WindowView.Parts(stage, recent,
                exportSelection, securityBanner, center, workArea, startScreen, tree, detail, filterBar, statusBar,
                diffPanel, trainingPane), commands, this::showError));
        this.opens = new OpenActions(stage, model, recent, timelines::open, this::showError);
        tree.showSidesOf(model.comparisons());
        model.start();
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
        securityBanner.setOnGlobal(g -> {
            if (tree.view().getRoot() != null) {
                GlobalRows.firstUse(tree.view().getRoot().getValue(), g).ifPresent(tree::select);
            }
        });

        filterBar.filterProperty().addListener((obs, was, f) -> model.setFilter(f));
        tree.selectedProperty().addListener((obs, was, node) -> showDetailSoon());
        diffPanel.alignPrefixesProperty().addListener((obs, was, now) -> model.setAlignPrefixes(now));
        diffPanel.differencesOnlyProperty().addListener((obs, was, now) -> model.setDifferencesOnly(now));
        stage.setScene(scene);
    }

    /**
     * Warms the views up while the start screen shows ({@link WarmUp}), then puts the work area, hidden, under
     * the start screen, so that the first file opens into controls that already exist. Completes once that has
     * been drawn. Best effort: opening a file before is fine, only slower.
     */
    public CompletableFuture<Void> warmUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        WarmUp.start(scene.getStylesheets().get(0), () -> WarmUp.primeWorkArea(scene, center, workArea, tree,
                () -> model.primary() != null, () -> done.complete(null)));
        return done;
    }

    public Scene scene() {
        return scene;
    }

    /** The window's model: the open files and what is shown of them. */
    public WindowModel<LayerTreeTable.Rows> workspace() {
        return model;
    }

    /** The commands that apply now; the menus bind to it. */
    public ReadOnlyObjectProperty<WindowModel.Commands> commandsProperty() {
        return commands.getReadOnlyProperty();
    }

    public Background background() {
        return background;
    }

    public LayerTreeTable tree() {
        return tree;
    }

    public ComparisonState comparisonState() {
        return model.comparisons();
    }

    public ExportSelection exportSelection() {
        return exportSelection;
    }

    public SplitPane workArea() {
        return workArea;
    }

    public TrainingPane trainingPane() {
        return trainingPane;
    }

    public FilterBar filterBar() {
        return filterBar;
    }

    /** Opens {@code a}, and {@code b} (if not null) as the comparison once {@code a} is open. */
    public void openFiles(Path a, Path b) {
        model.openFiles(a, b);
    }

    public void openFile(Path file) {
        openPaths(List.of(file));
    }

    /** Opens what the user named: one checkpoint, two to compare, or a run's Timeline. */
    public void openPaths(List<Path> paths) {
        opens.open(paths);
    }

    /** Opens the Timeline of a run. */
    public TimelineLauncher timelines() {
        return timelines;
    }

    private org.ckptinspector.model.Checkpoint openCheckpoint() {
        return model.primary() == null ? null : model.primary().checkpoint();
    }

    /** Turns rows dragged out of the tree into files. */
    public DragOut dragOut() {
        return dragOut;
    }

    /** Compare with an adapter folder, and export merged with one. */
    AdapterActions adapters() {
        if (adapters == null) {
            adapters = new AdapterActions(this);
        }
        return adapters;
    }

    /** Opening files, the sample and the Open and Compare dialogs. */
    public OpenActions opens() {
        return opens;
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
                detail.show(tree.selectedProperty().get(), model.primary());
            });
        }
    }

    /**
     * Opens the export dialog for the basket's tensors (or, with an empty basket, the selected rows'), in the
     * source's file order. Rows only B has cannot be exported from A and are left out.
     */
    public ExportDialog showExportDialog() {
        OpenedCheckpoint doc = model.primary();
        if (doc == null) {
            return null;
        }
        if (exportSelection.keys().isEmpty()) {
            tree.selectedNodes().forEach(exportSelection::toggle);
        }
        if (exportDialog != null) {
            exportDialog.stage().close();
        }
        ExportModel export = new ExportModel(doc.checkpoint(), model.exportKeys(exportSelection.keys()), background);
        exportDialog = new ExportDialog(stage, export, this::openFile);
        exportDialog.show();
        return exportDialog;
    }

    /** Shows a failure in plain words. */
    public void showError(String title, Throwable error) {
        ErrorDialog.show(stage, scene, title, error);
    }

    void focusFilter() {
        if (model.primary() != null) {
            filterBar.field().requestFocus();
            filterBar.field().selectAll();
        }
    }
}
