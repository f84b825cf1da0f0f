package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Control;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TableColumnBase;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeTableView;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * Every table on screen shows all its columns without scrolling sideways, at 1024×700 and 1280×800, for real
 * files and real comparisons: the columns' widths add up to no more than the table's viewport, and no horizontal
 * scroll bar shows. (What is shown in a column is not cut short either: {@link NothingElidedFxTest}.)
 */
class ColumnsInViewFxTest extends FxAppTestSupport {
    private static final Path DIFF_DIR = Path.of("src/test/resources/diff");
    private static final Path LORA_DIR = Path.of("src/test/resources/trajectory/lora");

    @Test
    void noTableScrollsSidewaysInNormalOrCompareMode(FxRobot robot) throws Exception {
        List<String> out = new ArrayList<>();
        for (double[] size : new double[][] {{1024, 700}, {1280, 800}}) {
            robot.interact(() -> {
                stage.setWidth(size[0]);
                stage.setHeight(size[1]);
            });
            String at = (int) size[0] + "x" + (int) size[1];
            open(robot, Fixtures.file("torch-2.13", "transformer_encoder.pt"));
            check(robot, at + " transformer_encoder", out);
            open(robot, Path.of("src/test/resources/hostile/corrupt_shape_overflow.pt"));
            check(robot, at + " damaged file", out);
            for (String name : List.of("values", "tree")) {
                JsonNode pair = DetailAndDiffFxTest.pair(name);
                compare(robot, DIFF_DIR.resolve(pair.get("a").asText()), DIFF_DIR.resolve(pair.get("b").asText()));
                check(robot, at + " compare " + name, out);
                robot.interact(() -> window.tree().expandAll(true));
                check(robot, at + " compare " + name + ", all expanded", out);
            }
            JsonNode lora = new ObjectMapper().readTree(LORA_DIR.resolveSibling("manifest.json").toFile()).get("lora");
            compare(robot, LORA_DIR.resolve(lora.get("a").asText()), LORA_DIR.resolve(lora.get("b").asText()));
            check(robot, at + " compare lora", out);
            robot.interact(() -> window.workspace().setComparison(null));
            waitFor(() -> !robot.lookup("#diffPanel").query().isVisible() && idle());
            check(robot, at + " comparison ended", out);
        }
        assertEquals(List.of(), out);
    }

    private void compare(FxRobot robot, Path a, Path b) {
        open(robot, a);
        robot.interact(() -> robot.lookup("#alignPrefixes").queryAs(CheckBox.class).setSelected(false));
        robot.interact(() -> window.workspace().compareWith(b));
        waitFor(() -> robot.lookup("#diffPanel").query().isVisible() && idle()
                && window.workspace().comparison() != null);
    }

    private void check(FxRobot robot, String view, List<String> out) {
        inspectLaidOut(robot, root -> collect(root, view, out));
        screenshot(robot, "columns-" + view.replace(' ', '-').replace(",", ""));
    }

    private static void collect(Node n, String view, List<String> out) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof TreeTableView<?> t) {
            checkTable(t, t.getVisibleLeafColumns(), view, out);
        } else if (n instanceof TableView<?> t) {
            checkTable(t, t.getVisibleLeafColumns(), view, out);
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                collect(c, view, out);
            }
        }
    }

    private static void checkTable(Control table, List<? extends TableColumnBase<?, ?>> columns, String view,
            List<String> out) {
        Bounds b = table.getLayoutBounds();
        if (b.getWidth() <= 0 || b.getHeight() <= 0) {
            return;
        }
        double sum = 0;
        StringBuilder widths = new StringBuilder();
        for (TableColumnBase<?, ?> c : columns) {
            sum += c.getWidth();
            widths.append(c.getText()).append('=').append(Math.round(c.getWidth())).append(' ');
        }
        Node clip = table.lookup(".clipped-container");
        double viewport = clip == null ? b.getWidth() : clip.getLayoutBounds().getWidth();
        boolean hbar = table.lookupAll(".scroll-bar").stream().anyMatch(s -> s instanceof ScrollBar sb
                && sb.getOrientation() == Orientation.HORIZONTAL && sb.isVisible()
                && sb.getParent() != null && isFlowBar(sb, table));
        String id = table.getId() != null ? "#" + table.getId() : table.getStyleClass().toString();
        if (sum > viewport + 0.5 || hbar) {
            out.add(view + ": " + id + " columns " + Math.round(sum) + " px in a " + Math.round(viewport)
                    + " px viewport (" + widths.toString().trim() + ")" + (hbar ? ", scrolls sideways" : ""));
        }
    }

    /** A scroll bar of the table's own rows, not of a control inside a cell. */
    private static boolean isFlowBar(ScrollBar bar, Control table) {
        for (Parent p = bar.getParent(); p != null; p = p.getParent()) {
            if (p == table) {
                return true;
            }
            if (p instanceof Control) {
                return false;
            }
        }
        return false;
    }
}
