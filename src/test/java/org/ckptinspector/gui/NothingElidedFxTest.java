package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Labeled;
import javafx.scene.control.TabPane;
import javafx.scene.control.TreeTableCell;
import javafx.scene.text.Text;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The main views at 1024×700 (the tree with the file pane and the basket, a module, a tensor, a model and an
 * adapter folder, a damaged file, and Compare mode): no label, button, check box, tab or cell on screen shows its text cut short with an ellipsis.
 */
class NothingElidedFxTest extends FxAppTestSupport {
    private static final Path DIFF_DIR = Path.of("src/test/resources/diff");

    @Test
    void noLabeledIsElidedAt1024x700(FxRobot robot) {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        List<String> elided = new ArrayList<>();
        open(robot, Fixtures.file("torch-2.13", "transformer_encoder.pt"));
        check(robot, "file pane", elided);
        String module = window.tree().view().getRoot().getChildren().get(0).getValue().key();
        select(robot, module);
        check(robot, "module " + module, elided);
        String tensor = window.workspace().primary().checkpoint().tensors().get(0).key();
        select(robot, tensor);
        check(robot, "tensor " + tensor, elided);

        // Long values in their collapsed JSON files leave the names on screen whole.
        open(robot, Fixtures.ROOT.resolve("llm-folders/hf-llama"));
        check(robot, "model folder", elided);
        open(robot, Fixtures.ROOT.resolve("llm-folders/peft-lora"));
        check(robot, "adapter folder", elided);

        open(robot, Path.of("src/test/resources/hostile/corrupt_shape_overflow.pt"));
        check(robot, "damaged file", elided);
        select(robot, "fc.weight");
        check(robot, "damaged tensor", elided);

        var pair = DetailAndDiffFxTest.pair("values");
        open(robot, DIFF_DIR.resolve(pair.get("a").asText()));
        robot.interact(() -> window.workspace().compareWith(DIFF_DIR.resolve(pair.get("b").asText())));
        waitFor(() -> robot.lookup("#diffPanel").query().isVisible() && idle());
        check(robot, "compare, file pane", elided);
        select(robot, "shape.mismatch");
        check(robot, "compare, tensor", elided);
        robot.interact(() -> robot.lookup("#detailTabs").queryAs(TabPane.class).getSelectionModel().select(1));
        waitFor(this::idle);
        check(robot, "compare, values", elided);
        screenshot(robot, "elision-compare-1024");
        assertEquals(List.of(), elided);
    }

    private void check(FxRobot robot, String view, List<String> out) {
        inspectLaidOut(robot, root -> collect(root, root.localToScene(root.getLayoutBounds()), view, out));
        screenshot(robot, "elision-" + view.replace(' ', '-').replace(",", ""));
    }

    /** Adds to {@code out} each labeled below {@code n} on screen whose text shows cut short. */
    static void collect(Node n, Bounds window, String view, List<String> out) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof Labeled l && l.getText() != null && !l.getText().isEmpty()
                && l.getContentDisplay() != ContentDisplay.GRAPHIC_ONLY && onScreen(l, window)
                && !(l instanceof TreeTableCell<?, ?> c && (c.isEmpty() || !c.getTableColumn().isVisible()))
                && !fileRowName(l)) {
            for (Node child : l.getChildrenUnmodifiable()) {
                if (child instanceof Text t && child.getClass().getSimpleName().equals("LabeledText")
                        && !t.getText().equals(l.getText())) {
                    out.add(view + ": \"" + t.getText() + "\" for \"" + l.getText() + "\" ("
                            + (l.getId() != null ? "#" + l.getId() : l.getStyleClass()) + ")");
                }
            }
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                collect(c, window, view, out);
            }
        }
    }

    /**
     * The name of the tree's root row, the file's own name: the one name the tree may cut short when the columns
     * cannot all fit (the window's title and the breadcrumb show it in full, and the cell's tooltip the key).
     */
    private static boolean fileRowName(Labeled l) {
        if (!l.getStyleClass().contains("name-label")) {
            return false;
        }
        for (Node p = l.getParent(); p != null; p = p.getParent()) {
            if (p instanceof TreeTableCell<?, ?> c) {
                return c.getTooltip() != null && c.getItem() instanceof org.ckptinspector.app.LayerNode n
                        && n.kind() == org.ckptinspector.app.LayerNode.Kind.ROOT;
            }
        }
        return false;
    }

    private static boolean onScreen(Node n, Bounds window) {
        Bounds b = n.localToScene(n.getLayoutBounds());
        return b.getWidth() > 0 && b.getHeight() > 0 && window.intersects(b);
    }
}
