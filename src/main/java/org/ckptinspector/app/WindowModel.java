package org.ckptinspector.app;

import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;

/**
 * The main window's state and behaviour, without a toolkit: the open checkpoint (A), the comparison (B) with
 * its marks, the filter, the title and which commands apply. Opening and comparing run through the
 * {@link TaskRunner}; the window shows the outcome through its {@link View}. Single-threaded: call it on the
 * window's thread.
 *
 * @param <R> the view's prepared rows of a tree, built with the work off the window's thread
 */
public final class WindowModel<R> {
    /** What the window shows; called on the window's thread except {@link #rowsOf}. */
    public interface View<R> {
        /** The rows of an unfiltered tree; any thread, so that they are built with the file. */
        R rowsOf(LayerNode tree);

        /** A file was opened (for the recent files). */
        void opened(Path file);

        /** No file is open: the start screen. */
        void showNoDocument();

        /** A newly opened file, its rows and the dtypes it holds (the filter resets to none). */
        void showDocument(OpenedCheckpoint doc, R rows, Set<DType> dtypes);

        /** New rows of the unfiltered tree (a comparison's merged tree, or A's again). */
        void showRows(R rows);

        /** The diff status of each row, or null outside diff mode. */
        void showMarks(Function<LayerNode, DiffStatus> status);

        /** The rows under the filter; {@code filtering} is false when nothing is hidden. */
        void showFiltered(FilteredTree filtered, boolean filtering);

        /** The open file's totals, and how many of its tensors the filter shows. */
        void showTotals(Aggregate all, long shownTensors);

        void showComparison(DiffSummary result, Map<DiffStatus, Integer> counts, String fileA, String fileB);

        void hideComparison();

        void showTitle(String title);

        /** Which commands apply now. */
        void showCommands(Commands commands);

        void showError(String title, Throwable error);
    }

    /** The commands that apply: the menus and tool bar enable exactly these. */
    public record Commands(boolean compare, boolean export, boolean closeFile, boolean closeComparison) {}

    /** The app's name, the title of a window with no file. */
    public static final String APP = "Checkpoint Inspector";

    private final TaskRunner runner;
    private final View<R> view;
    private final ComparisonState comparisons = new ComparisonState();
    private OpenedCheckpoint primary;
    private OpenedCheckpoint comparison;
    private LayerNode currentTree;
    private boolean collapseBlocks;
    private LayerFilter filter = LayerFilter.NONE;
    private boolean filteredShown;
    private boolean differencesOnly;
    private boolean alignPrefixes = true;

    /** A file opened in the background and, for the file to show, its tree's rows. */
    private record Opened<R>(OpenedCheckpoint doc, R rows) {}

    /** A comparison made in the background, with the rows of its merged tree. */
    private record Compared<R>(ComparisonModel.Compared compared, R rows) {}

    public WindowModel(TaskRunner runner, View<R> view) {
        this.runner = runner;
        this.view = view;
    }

    /** Shows the title and commands of the state the window starts in: no file. */
    public void start() {
        view.showTitle(title());
        view.showCommands(commands());
    }

    public OpenedCheckpoint primary() {
        return primary;
    }

    public OpenedCheckpoint comparison() {
        return comparison;
    }

    /** The tree the rows show: A's, or in diff mode the merged tree of A and B; null while no file is open. */
    public LayerNode currentTree() {
        return currentTree;
    }

    /** The comparison's marks (empty outside diff mode); the detail pane looks tensors up in it. */
    public ComparisonState comparisons() {
        return comparisons;
    }

    /** Opens {@code a}, and {@code b} (if not null) as the comparison once {@code a} is open. */
    public void openFiles(Path a, Path b) {
        open(a, true, opened -> {
            setPrimary(opened.doc(), opened.rows());
            if (b != null) {
                compareWith(b);
            }
        });
    }

    public void openFile(Path file) {
        openFiles(file, null);
    }

    /** Opens {@code b} as the comparison of the open file (or as the open file, when none is). */
    public void compareWith(Path b) {
        if (primary == null) {
            openFile(b);
            return;
        }
        open(b, false, opened -> setComparison(opened.doc()));
    }

    private void open(Path file, boolean shown, Consumer<Opened<R>> then) {
        runner.run("Opening " + file.getFileName(), m -> {
            OpenedCheckpoint doc = OpenedCheckpoint.open(file, m);
            try {
                return new Opened<>(doc, shown ? view.rowsOf(doc.tree()) : null);
            } catch (RuntimeException e) {
                doc.close();
                throw e;
            }
        }, opened -> {
            view.opened(file);
            then.accept(opened);
        }, error -> view.showError("Cannot open " + file.getFileName(), error), () -> { });
    }

    /** Replaces A (null closes it), closing the old file and ending any comparison. */
    public void setPrimary(OpenedCheckpoint doc) {
        setPrimary(doc, null);
    }

    private void setPrimary(OpenedCheckpoint doc, R rows) {
        OpenedCheckpoint old = primary;
        primary = null; // so that ending the comparison does not show A's rows again just before they go
        setComparison(null);
        primary = doc;
        if (old != null && old != doc) {
            old.close();
        }
        filteredShown = false;
        currentTree = doc == null ? null : doc.tree();
        if (doc == null) {
            view.showNoDocument();
            view.showTotals(null, 0);
        } else {
            Set<DType> present = EnumSet.noneOf(DType.class);
            doc.checkpoint().tensors().stream().map(TensorRef::dtype).forEach(present::add);
            filter = LayerFilter.NONE;
            view.showDocument(doc, rows != null ? rows : view.rowsOf(doc.tree()), present);
            view.showTotals(doc.tree().aggregate(), doc.tree().aggregate().tensors());
            if (collapseBlocks) {
                setCollapseBlocks(true);
            }
        }
        view.showTitle(title());
        view.showCommands(commands());
    }

    /** Replaces B (null ends the comparison), closing the old comparison file. */
    public void setComparison(OpenedCheckpoint doc) {
        OpenedCheckpoint old = comparison;
        if (old == doc) {
            return;
        }
        comparison = doc;
        if (old != null) {
            old.close();
        }
        if (doc == null) {
            endComparison();
        } else {
            startComparison();
        }
    }

    public void closeAll() {
        setPrimary(null);
    }

    /** Filters the rows; a filter of nothing on rows that hide nothing changes nothing. */
    public void setFilter(LayerFilter f) {
        filter = f;
        if (!f.isEmpty() || filteredShown || differencesOnlyInForce()) {
            applyFilter();
        }
    }

    /** In diff mode, whether to show only the rows that differ. */
    public void setDifferencesOnly(boolean v) {
        differencesOnly = v;
        applyFilter();
    }

    /** Whether the comparison aligns key prefixes ({@code module.}, {@code model.}; on by default); compares again. */
    public void setAlignPrefixes(boolean v) {
        if (v != alignPrefixes) {
            alignPrefixes = v;
            startComparison();
        }
    }

    /**
     * Whether runs of repeated blocks ({@code layers.0 … layers.31}) show as one pattern row followed by the blocks
     * that differ ({@link RepeatedBlockRows}); not in diff mode, whose rows are the merged tree's.
     */
    public void setCollapseBlocks(boolean v) {
        collapseBlocks = v;
        if (primary == null || comparison != null) {
            return;
        }
        currentTree = v ? RepeatedBlockRows.collapsed(primary.checkpoint(), TaskMonitor.NONE) : primary.tree();
        showRows(view.rowsOf(currentTree));
    }

    /** The tensors to export for the chosen keys: those A holds, in its file order. */
    public List<String> exportKeys(Collection<String> chosen) {
        if (primary == null) {
            return List.of();
        }
        Set<String> keys = Set.copyOf(chosen);
        return primary.checkpoint().tensors().stream().map(TensorRef::key).filter(keys::contains).distinct()
                .toList();
    }

    private boolean differencesOnlyInForce() {
        return comparisons.isActive() && differencesOnly;
    }

    private void applyFilter() {
        if (primary == null || currentTree == null) {
            return;
        }
        boolean diffOnly = differencesOnlyInForce();
        FilteredTree filtered = diffOnly
                ? FilteredTree.of(currentTree, filter, n -> {
                    DiffStatus s = comparisons.status(n);
                    return s != null && s != DiffStatus.IDENTICAL;
                })
                : FilteredTree.of(currentTree, filter);
        filteredShown = !filter.isEmpty() || diffOnly;
        view.showFiltered(filtered, filteredShown);
        Aggregate all = primary.tree().aggregate();
        view.showTotals(all, filter.isEmpty() ? all.tensors() : filtered.matchedTensors());
    }

    /** Shows the rows of the unfiltered tree, then applies the filter in force, if any. */
    private void showRows(R rows) {
        view.showRows(rows);
        filteredShown = false;
        if (!filter.isEmpty() || differencesOnlyInForce()) {
            applyFilter();
        } else {
            view.showTotals(primary.tree().aggregate(), primary.tree().aggregate().tensors());
        }
    }

    /** Compares A with B in the background, then shows the merged tree with its marks. */
    private void startComparison() {
        OpenedCheckpoint a = primary;
        OpenedCheckpoint b = comparison;
        if (a == null || b == null) {
            return;
        }
        view.showTitle(title());
        view.showCommands(commands());
        boolean align = alignPrefixes;
        runner.run("Comparing " + a.file().getFileName() + " with " + b.file().getFileName(), m -> {
            var c = ComparisonModel.compare(a, b, align, TaskRunner.analysisThreads(), m);
            return new Compared<>(c, view.rowsOf(c.merged().tree()));
        }, done -> {
            if (primary != a || comparison != b) {
                return;
            }
            DiffMerge merged = done.compared().merged();
            comparisons.set(done.compared().marks());
            currentTree = merged.tree();
            view.showMarks(comparisons::status);
            showRows(done.rows());
            view.showComparison(DiffSummary.of(merged.result()), comparisons.counts(), a.file().getFileName().toString(),
                    b.file().getFileName().toString());
        }, error -> {
            view.showError("Cannot compare the files", error);
            setComparison(null);
        }, () -> {
            if (comparison == b) {
                setComparison(null);
            }
        });
    }

    private void endComparison() {
        comparisons.clear();
        view.hideComparison();
        view.showMarks(null);
        if (primary != null && currentTree != primary.tree()) {
            currentTree = primary.tree();
            showRows(view.rowsOf(currentTree));
        }
        view.showTitle(title());
        view.showCommands(commands());
    }

    /** The window title: the file names (A ↔ B in diff mode), then the app's name. */
    public String title() {
        if (primary == null) {
            return APP;
        }
        return primary.file().getFileName() + (comparison == null ? "" : "  ↔  " + comparison.file().getFileName())
                + "  —  " + APP;
    }

    public Commands commands() {
        boolean open = primary != null;
        return new Commands(open, open, open, comparison != null);
    }
}
