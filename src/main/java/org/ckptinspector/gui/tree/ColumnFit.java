package org.ckptinspector.gui.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import javafx.scene.Node;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import org.ckptinspector.app.FilteredTree;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.TreeColumnText;

/**
 * Sizes the layer tree's value columns to their widest text (over the rows of the tree, expanded or not, up to a
 * bound, so that where there is room they keep their width as rows expand) and gives the name column the width
 * left. When the columns ask for more than the table's width, they give way in this order, so that none is out
 * of view: the value columns give up what only rows out of view ask for (a long value in a collapsed config), so
 * that the names on screen show whole; the file's own row (the root) lets its name be cut short, as the window's
 * title and the breadcrumb show it in full; while comparing, the Size and then the Params column step aside (the
 * detail pane's chips show both sides of each); then the name column narrows down to a minimum (a row's full key
 * is its tooltip); last, the widest value columns narrow, down to their headers. No value column asks for more
 * than a quarter of the width (a long value is cut short, whole in its tooltip). The user can resize any column
 * after.
 */
final class ColumnFit {
    /** Rows looked at, on the FX thread; a bigger tree is sized by its first rows. */
    private static final int MAX_ROWS = 3_000;
    /** Rows on screen measured again at each expand or collapse, on the FX thread: more than a screen holds. */
    private static final int MAX_SHOWN = 500;
    /** The longest texts of a column that are measured; length picks them, as measuring is slow. */
    private static final int MEASURED = 12;
    /**
     * A cell's padding beside its text: inspector.css gives 6 each side, but a text is cut short unless the cell
     * has a little more (measured: 13 px more than the text elides it, 16 does not).
     */
    private static final double CELL_PADDING = 16;
    /** The same for a header: its label's padding and the header's border. */
    private static final double HEADER_PADDING = 16;
    private static final double NAME_MIN = 150;
    private static final double VALUE_MIN = 40;
    /** The most of the table's width one value column asks for. */
    private static final double VALUE_SHARE = 0.25;
    /** A row's indent per level (measured on screen: the tree's indent and the disclosure arrow's step). */
    private static final double INDENT = 13;
    /** Before a root row's name: cell padding, disclosure arrow, check box and icon with their gaps (measured). */
    private static final double BEFORE_NAME = 67;
    /** After the name: the warning mark with its gap, and the cell's padding. */
    private static final double WARNING = 12 + 4;
    private static final double AFTER_NAME = 6 + 1;
    /** The table's border and pixels of rounding. */
    private static final double CHROME = 2 + 3;
    /** The vertical scroll bar, when the rows are more than fit. */
    private static final double SCROLL_BAR = 14;
    /** The header row's height. */
    private static final double HEADER = 30;

    /** What a value column asks for: {@code need} for its widest text, never less than {@code min} (its header). */
    private record Ask(double need, double min) {
        /** Asking for no more than {@code cap}, never less than the minimum. */
        Ask capped(double cap) {
            return new Ask(at(cap), min);
        }

        /** The width given when no column may be wider than {@code level}. */
        double at(double level) {
            return Math.max(min, Math.min(need, level));
        }
    }

    /** A value column, the text its cells show, and whether it steps aside while comparing when space is short. */
    record Sized(TreeTableColumn<LayerNode, ?> column, Function<LayerNode, TreeColumnText.Cell> text,
            boolean stepsAside) {}

    private final TreeTableView<LayerNode> table;
    private final TreeTableColumn<LayerNode, ?> name;
    private final List<Sized> columns;
    /** The width the longest name of the rows on screen (expanded) below the root asks for, and the root's. */
    private double nameNeed;
    private double rootNeed;
    /** What each shown value column asks for, over all rows and over the rows on screen. */
    private final Map<TreeTableColumn<LayerNode, ?>, Ask> needs = new HashMap<>();
    private final Map<TreeTableColumn<LayerNode, ?>, Ask> shownNeeds = new HashMap<>();
    /** Each row's text in each value column, made once per fit, as each expand or collapse measures anew. */
    private final Map<LayerNode, String[]> texts = new IdentityHashMap<>();
    /** The columns this fit hid to make room; shown again when there is room or the comparison ends. */
    private final Set<TreeTableColumn<LayerNode, ?>> stepped = new HashSet<>();
    private boolean comparing;
    /** The widths this fit gave the value columns last, to tell the user's resizing from its own. */
    private final Map<TreeTableColumn<LayerNode, ?>, Double> given = new HashMap<>();
    private final Predicate<LayerNode> warned;

    /** @param warned whether a row carries the warning mark after its name */
    ColumnFit(TreeTableView<LayerNode> table, TreeTableColumn<LayerNode, ?> name, List<Sized> columns,
            Predicate<LayerNode> warned) {
        this.table = table;
        this.name = name;
        this.columns = columns;
        this.warned = warned;
        table.widthProperty().addListener((obs, was, now) -> resized());
        table.heightProperty().addListener((obs, was, now) -> resized());
        table.expandedItemCountProperty().addListener((obs, was, now) -> {
            measureShown();
            resized();
        });
    }

    /** The width the columns share: the table's, less its border and the scroll bar if the rows need one. */
    private double room() {
        double row = table.getFixedCellSize() > 0 ? table.getFixedCellSize() : 24;
        boolean scrolls = table.getExpandedItemCount() * row > table.getHeight() - HEADER;
        return table.getWidth() - CHROME - (scrolls ? SCROLL_BAR : 0);
    }

    /** A new table width: shared anew, unless the user has resized a column since, whose widths then stay. */
    private void resized() {
        boolean userSized = !given.isEmpty() && given.entrySet().stream()
                .anyMatch(e -> e.getKey().isVisible() && Math.abs(e.getKey().getPrefWidth() - e.getValue()) > 0.5);
        if (!userSized) {
            share();
            return;
        }
        double others = 0;
        for (TreeTableColumn<LayerNode, ?> c : table.getColumns()) {
            if (c != name && c.isVisible()) {
                others += c.getPrefWidth();
            }
        }
        name.setPrefWidth(Math.max(name.getPrefWidth(), room() - others));
    }

    /**
     * Sizes the value columns to the rows of {@code root} under {@code filtered}; {@code comparing} lets the
     * columns that step aside do so when space is short.
     */
    void fit(LayerNode root, FilteredTree filtered, boolean comparing) {
        this.comparing = comparing;
        if (root == null) {
            return;
        }
        texts.clear();
        rootNeed = nameNeed(List.of(root));
        measure(rows(root, filtered), needs);
        measureShown();
        share();
    }

    /** Measures the rows on screen (those whose parents are expanded): the names' need and the columns' asks. */
    private void measureShown() {
        List<LayerNode> shown = new ArrayList<>();
        Deque<TreeItem<LayerNode>> todo = new ArrayDeque<>();
        if (table.getRoot() != null) {
            todo.push(table.getRoot());
        }
        while (!todo.isEmpty() && shown.size() < MAX_SHOWN) {
            TreeItem<LayerNode> item = todo.pop();
            shown.add(item.getValue());
            if (item.isExpanded()) {
                List<TreeItem<LayerNode>> kids = item.getChildren();
                for (int i = kids.size() - 1; i >= 0; i--) {
                    todo.push(kids.get(i));
                }
            }
        }
        // The root's name has its own need (it gives way first); its values are measured with the others.
        nameNeed = shown.isEmpty() ? 0 : nameNeed(shown.subList(1, shown.size()));
        measure(shown, shownNeeds);
    }

    /** What each value column shown asks for to show the texts of {@code rows} whole. */
    private void measure(List<LayerNode> rows, Map<TreeTableColumn<LayerNode, ?>, Ask> into) {
        into.clear();
        for (int i = 0; i < columns.size(); i++) {
            Sized s = columns.get(i);
            if (!s.column().isVisible() && !stepped.contains(s.column())) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (LayerNode n : rows) {
                cells.add(text(i, n));
            }
            cells.sort(Comparator.comparingInt(String::length).reversed());
            Font font = fontOf(s.column());
            double header = Math.ceil(width(s.column().getText(),
                    Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, 11.5)) + HEADER_PADDING);
            double w = header;
            for (String t : cells.subList(0, Math.min(MEASURED, cells.size()))) {
                w = Math.max(w, Math.ceil(width(t, font) + CELL_PADDING));
            }
            into.put(s.column(), new Ask(w, Math.max(VALUE_MIN, header)));
        }
    }

    /**
     * Shares the table's width: every column as wide as it asks, the name column taking what is left; when that
     * is more than there is, the columns give way in the order the class comment gives.
     */
    void share() {
        double room = room();
        if (room <= 0 || needs.isEmpty()) {
            return;
        }
        stepped.forEach(c -> c.setVisible(true));
        stepped.clear();
        given.clear();
        double fixed = 0;
        for (TreeTableColumn<LayerNode, ?> c : table.getColumns()) {
            if (c != name && c.isVisible() && !needs.containsKey(c)) {
                fixed += c.getWidth() > 0 ? c.getWidth() : c.getPrefWidth();
            }
        }
        List<Sized> shown = new ArrayList<>(columns.stream().filter(s -> s.column().isVisible()
                && needs.containsKey(s.column())).toList());
        // No value column asks for more than a share of the room: a long value (a config string) is cut short,
        // its cell's tooltip showing it whole.
        double cap = Math.max(VALUE_MIN, room * VALUE_SHARE);
        Map<TreeTableColumn<LayerNode, ?>, Ask> asks = new HashMap<>();
        shown.forEach(s -> asks.put(s.column(), needs.get(s.column()).capped(cap)));
        double values = shown.stream().mapToDouble(s -> asks.get(s.column()).need()).sum();
        if (fixed + values + nameNeed > room) {
            shown.forEach(s -> asks.put(s.column(), onScreen(s.column()).capped(cap)));
            values = shown.stream().mapToDouble(s -> asks.get(s.column()).need()).sum();
        }
        // Size first, then Params: the last columns step aside first.
        for (int i = shown.size() - 1; i >= 0 && comparing && fixed + values + nameNeed > room; i--) {
            Sized s = shown.get(i);
            if (s.stepsAside()) {
                values -= asks.get(s.column()).need();
                s.column().setVisible(false);
                stepped.add(s.column());
                shown.remove(i);
            }
        }
        double nameWidth = Math.max(NAME_MIN, Math.min(Math.max(nameNeed, rootNeed), room - fixed - values));
        // Still too wide: the widest value columns narrow first, none below its header.
        double level = narrowest(shown.stream().map(s -> asks.get(s.column())).toList(), room - fixed - nameWidth);
        double used = fixed;
        for (Sized s : shown) {
            double w = Math.floor(asks.get(s.column()).at(level));
            s.column().setPrefWidth(w);
            given.put(s.column(), w);
            used += w;
        }
        name.setPrefWidth(Math.max(nameWidth, room - used));
    }

    /** The text row {@code n} shows in value column {@code column}. */
    private String text(int column, LayerNode n) {
        String[] row = texts.computeIfAbsent(n, k -> new String[columns.size()]);
        if (row[column] == null) {
            row[column] = columns.get(column).text().apply(n).text();
        }
        return row[column];
    }

    /** What a value column asks for to show the rows on screen whole: never more than for all rows. */
    private Ask onScreen(TreeTableColumn<LayerNode, ?> column) {
        Ask all = needs.get(column);
        Ask shown = shownNeeds.get(column);
        return shown == null || shown.need() > all.need() ? all : shown;
    }

    /**
     * The highest width {@code L} at which columns given {@link Ask#at}{@code (L)} take no more than {@code width}
     * (infinity when they fit as asked).
     */
    private static double narrowest(List<Ask> asks, double width) {
        if (asks.stream().mapToDouble(Ask::need).sum() <= width) {
            return Double.POSITIVE_INFINITY;
        }
        double lo = 0;
        double hi = asks.stream().mapToDouble(Ask::need).max().orElse(0);
        for (int i = 0; i < 30; i++) {
            double mid = (lo + hi) / 2;
            double sum = asks.stream().mapToDouble(a -> a.at(mid)).sum();
            if (sum <= width) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The width of the widest name cell among the rows: indent, arrow, check box, icon and bold name. */
    private double nameNeed(List<LayerNode> rows) {
        Font bold = Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, 13);
        List<LayerNode> longest = new ArrayList<>(rows);
        longest.sort(Comparator.comparingInt((LayerNode n) -> n.name().length() + 2 * depth(n)
                + (warned.test(n) ? 3 : 0)).reversed());
        double w = 0;
        for (LayerNode n : longest.subList(0, Math.min(MEASURED, longest.size()))) {
            w = Math.max(w, depth(n) * INDENT + BEFORE_NAME + width(NameCell.displayName(n), bold) + AFTER_NAME
                    + (warned.test(n) ? WARNING : 0));
        }
        return w;
    }

    private static int depth(LayerNode n) {
        int d = 0;
        for (LayerNode p = n.parent().orElse(null); p != null; p = p.parent().orElse(null)) {
            d++;
        }
        return d;
    }

    private static List<LayerNode> rows(LayerNode root, FilteredTree filtered) {
        List<LayerNode> out = new ArrayList<>();
        Deque<LayerNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty() && out.size() < MAX_ROWS) {
            LayerNode n = todo.pop();
            out.add(n);
            List<LayerNode> kids = filtered == null ? n.children() : filtered.children(n);
            for (int i = kids.size() - 1; i >= 0; i--) {
                todo.push(kids.get(i));
            }
        }
        return out;
    }

    /** The font the column's cells use, once styled; the default font before. */
    private Font fontOf(TreeTableColumn<LayerNode, ?> column) {
        for (Node n : table.lookupAll(".tree-table-cell")) {
            if (n instanceof TreeTableCell<?, ?> cell && cell.getTableColumn() == column && cell.getFont() != null) {
                return cell.getFont();
            }
        }
        boolean mono = column.getStyleClass().contains("number-column") || column.getStyleClass().contains("shape-column");
        return mono ? Font.font("DejaVu Sans Mono", 12) : Font.font(Font.getDefault().getFamily(), 12);
    }

    private static double width(String s, Font font) {
        Text t = new Text(s);
        t.setFont(font);
        return t.getLayoutBounds().getWidth();
    }
}
