package org.ckptinspector.gui.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import javafx.scene.Node;
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
 * bound) and gives the name column the width left; the user can resize any column after.
 */
final class ColumnFit {
    /** Rows looked at, on the FX thread; a bigger tree is sized by its first rows. */
    private static final int MAX_ROWS = 3_000;
    /** The longest texts of a column that are measured; length picks them, as measuring is slow. */
    private static final int MEASURED = 12;
    private static final double CELL_PADDING = 18;
    private static final double NAME_MIN = 170;
    /** The most of the table's width the name column asks for to show its longest name. */
    private static final double NAME_SHARE = 0.55;
    /** A row's indent per level; its disclosure arrow, check box and icon before the name, the warning after. */
    private static final double INDENT = 10;
    private static final double BEFORE_NAME = 18 + 16 + 6 + 14 + 6 + 12 + 6 + 20 + 18;

    /** A value column and the text its cells show. */
    record Sized(TreeTableColumn<LayerNode, ?> column, Function<LayerNode, TreeColumnText.Cell> text) {}

    private final TreeTableView<LayerNode> table;
    private final TreeTableColumn<LayerNode, ?> name;
    private final List<Sized> columns;
    /** The width the longest name of the rows asks for. */
    private double nameNeed;

    ColumnFit(TreeTableView<LayerNode> table, TreeTableColumn<LayerNode, ?> name, List<Sized> columns) {
        this.table = table;
        this.name = name;
        this.columns = columns;
        table.widthProperty().addListener((obs, was, now) -> fillName());
    }

    /** Sizes the visible value columns to the rows of {@code root} under {@code filtered}. */
    void fit(LayerNode root, FilteredTree filtered) {
        if (root == null) {
            return;
        }
        List<LayerNode> rows = rows(root, filtered);
        nameNeed = nameNeed(rows);
        for (Sized s : columns) {
            if (!s.column().isVisible()) {
                continue;
            }
            List<String> texts = new ArrayList<>();
            for (LayerNode n : rows) {
                texts.add(s.text().apply(n).text());
            }
            texts.sort(Comparator.comparingInt(String::length).reversed());
            Font font = fontOf(s.column());
            double w = width(s.column().getText(), Font.font(font.getFamily(), FontWeight.BOLD, 11.5)) + 14;
            for (String t : texts.subList(0, Math.min(MEASURED, texts.size()))) {
                w = Math.max(w, width(t, font));
            }
            s.column().setPrefWidth(Math.ceil(w + CELL_PADDING));
        }
        fillName();
    }

    /** Gives the name column what the value columns leave of the table's width. */
    void fillName() {
        double others = 0;
        for (TreeTableColumn<LayerNode, ?> c : table.getColumns()) {
            if (c != name && c.isVisible()) {
                others += c.getPrefWidth();
            }
        }
        double scrollBar = 16;
        double need = Math.min(nameNeed, table.getWidth() * NAME_SHARE);
        name.setPrefWidth(Math.max(Math.max(NAME_MIN, need), table.getWidth() - others - scrollBar - 2));
    }

    /** The width of the widest name cell among the rows: indent, arrow, check box, icon and bold name. */
    private static double nameNeed(List<LayerNode> rows) {
        Font bold = Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, 13);
        List<LayerNode> longest = new ArrayList<>(rows);
        longest.sort(Comparator.comparingInt((LayerNode n) -> n.name().length() + 2 * depth(n)).reversed());
        double w = 0;
        for (LayerNode n : longest.subList(0, Math.min(MEASURED, longest.size()))) {
            w = Math.max(w, depth(n) * INDENT + BEFORE_NAME + width(NameCell.displayName(n), bold));
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
