package org.ckptinspector.gui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Scene;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.ckptinspector.app.ComparisonState;
import org.ckptinspector.app.ExportModel;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.WindowModel;
import org.ckptinspector.gui.export.DragOut;
import org.ckptinspector.gui.export.ExportDialog;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.FileDrops;
import org.ckptinspector.gui.open.OpenActions;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.open.StartScreen;
import org.ckptinspector.gui.security.SecurityBanner;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.task.NextFrame;
import org.ckptinspector.gui.timeline.TimelineLauncher;
import org.ckptinspector.gui.training.TrainingPane;
import org.ckptinspector.gui.tree.FilterBar;
import org.ckptinspector.gui.tree.LayerTreeTable;

/**
 * The main window: menu and tool bar, the security banner, the start screen or the {@link WorkArea} (layer tree
 * beside the detail pane, over a {@link WindowModel}), and the status bar. The window is shown with the start
 * screen only; the work area is made after the first frame ({@link #warmUp()}), or at once when something needs
 * it before (opening a file waits for it).
 */
public final class MainWindow {
    private final Stage stage;
    private final Background background;
    private final RecentFiles recent;
    private final ReadOnlyObjectWrapper<WindowModel.Commands> commands = new ReadOnlyObjectWrapper<>();
    private final SecurityBanner securityBanner = new SecurityBanner();
    private final StatusBar statusBar;
    private final StackPane center = new StackPane();
    private final StartScreen startScreen;
    private final Scene scene;
    private final TimelineLauncher timelines;
    private final DragOut dragOut;
    private WorkArea work;
    private ExportDialog exportDialog;
    private AdapterActions adapters;

    public MainWindow(Stage stage, Background background, RecentFiles recent) {
        this.stage = stage;
        this.background = background;
        this.recent = recent;
        this.statusBar = new StatusBar(background);
        this.dragOut = new DragOut(background, this::openCheckpoint, recent.preferences(), this::showError);
        this.timelines = new TimelineLauncher(stage, background, this::openFiles, this::showError);
        this.startScreen = new StartScreen(recent, () -> opens().showOpenDialog(), () -> opens().openSample(),
                this::openFile);
        center.getChildren().setAll(startScreen.view());
        stage.setTitle(WindowModel.APP);

        BorderPane root = new BorderPane();
        VBox top = new VBox(securityBanner.view());
        root.setTop(top);
        root.setCenter(center);
        root.setBottom(statusBar.view());
        root.getStyleClass().add("main-window");
        root.setId("mainWindow");

        scene = new Scene(root, 1280, 800);
        scene.getStylesheets().add(MainWindow.class.getResource("inspector.css").toExternalForm());
        FileDrops.install(root, this::openPaths);
        stage.setScene(scene);
        // The menus and tool bar are the costliest controls of a cold start: made after the first frame, so that
        // the window shows sooner.
        NextFrame.run(scene, () -> {
            AppMenus menus = new AppMenus(this, stage, recent);
            top.getChildren().addAll(0, List.of(menus.menuBar(), menus.toolBar()));
        });
    }

    /**
     * After the next frame makes the work area, then warms the views up while the start screen shows
     * ({@link WarmUp}) and puts the work area, hidden, under the start screen, so that the first file opens into
     * controls that already exist. Completes once that has been drawn. Best effort: opening a file before is
     * fine, only slower.
     */
    public CompletableFuture<Void> warmUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        NextFrame.run(scene, this::work);
        WarmUp.start(scene.getStylesheets().get(0), () -> WarmUp.primeWorkArea(scene, center, work().view(),
                work().tree(), () -> work().model().primary() != null, () -> done.complete(null)));
        return done;
    }

    /** The work area, made now if it is not yet. */
    private WorkArea work() {
        if (work == null) {
            work = new WorkArea(this);
        }
        return work;
    }

    /** Whether the work area has been made (it is not while the first frame is drawn). */
    boolean hasWorkArea() {
        return work != null;
    }

    public Scene scene() {
        return scene;
    }

    Stage stage() {
        return stage;
    }

    RecentFiles recent() {
        return recent;
    }

    SecurityBanner securityBanner() {
        return securityBanner;
    }

    StatusBar statusBar() {
        return statusBar;
    }

    StackPane center() {
        return center;
    }

    StartScreen startScreen() {
        return startScreen;
    }

    ObjectProperty<WindowModel.Commands> commands() {
        return commands;
    }

    /** The window's model: the open files and what is shown of them. */
    public WindowModel<LayerTreeTable.Rows> workspace() {
        return work().model();
    }

    /** The commands that apply now; the menus bind to it. */
    public ReadOnlyObjectProperty<WindowModel.Commands> commandsProperty() {
        return commands.getReadOnlyProperty();
    }

    public Background background() {
        return background;
    }

    public LayerTreeTable tree() {
        return work().tree();
    }

    public ComparisonState comparisonState() {
        return workspace().comparisons();
    }

    public ExportSelection exportSelection() {
        return work().exportSelection();
    }

    public SplitPane workArea() {
        return work().view();
    }

    public TrainingPane trainingPane() {
        return work().trainingPane();
    }

    public FilterBar filterBar() {
        return work().filterBar();
    }

    /** Opens {@code a}, and {@code b} (if not null) as the comparison once {@code a} is open. */
    public void openFiles(Path a, Path b) {
        workspace().openFiles(a, b);
    }

    public void openFile(Path file) {
        openPaths(List.of(file));
    }

    /** Opens what the user named: one checkpoint, two to compare, or a run's Timeline. */
    public void openPaths(List<Path> paths) {
        opens().open(paths);
    }

    /** Opens the Timeline of a run. */
    public TimelineLauncher timelines() {
        return timelines;
    }

    private org.ckptinspector.model.Checkpoint openCheckpoint() {
        return work == null || work.model().primary() == null ? null : work.model().primary().checkpoint();
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
        return work().opens();
    }

    /**
     * Opens the export dialog for the basket's tensors (or, with an empty basket, the selected rows'), in the
     * source's file order. Rows only B has cannot be exported from A and are left out.
     */
    public ExportDialog showExportDialog() {
        OpenedCheckpoint doc = workspace().primary();
        if (doc == null) {
            return null;
        }
        ExportSelection selection = exportSelection();
        if (selection.keys().isEmpty()) {
            tree().selectedNodes().forEach(selection::toggle);
        }
        if (exportDialog != null) {
            exportDialog.stage().close();
        }
        ExportModel export = new ExportModel(doc.checkpoint(), workspace().exportKeys(selection.keys()), background);
        exportDialog = new ExportDialog(stage, export, this::openFile);
        exportDialog.show();
        return exportDialog;
    }

    /** Shows a failure in plain words. */
    public void showError(String title, Throwable error) {
        ErrorDialog.show(stage, scene, title, error);
    }

    void focusFilter() {
        if (work != null && work.model().primary() != null) {
            work.filterBar().field().requestFocus();
            work.filterBar().field().selectAll();
        }
    }
}
