package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Node;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.DragExtraction;
import org.ckptinspector.export.TorchPython;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * Dragging a module row out of the app: the drag carries a file list whose one file, named after the module,
 * torch 2.13 loads (weights_only=True, or safetensors) with exactly that module's tensors; the keys still reach
 * the export basket when the drop is inside the app.
 */
class DragOutFxTest extends FxAppTestSupport {
    private static final Path SIMPLE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");
    private static final Path CHECK = Path.of("src/test/python/check_drag_out.py");

    @Test
    void aDraggedModuleRowCarriesAFileTorchLoadsWithExactlyItsTensors(FxRobot robot) throws Exception {
        open(robot, SIMPLE);
        String before = window.dragOut().format();
        try {
            for (String format : DragExtraction.formatIds()) {
                robot.interact(() -> window.dragOut().setFormat(format));
                ClipboardContent content = drag(robot, "fc1");
                List<File> files = content.getFiles();
                assertEquals(1, files.size(), content.toString());
                File file = files.get(0);
                assertEquals("fc1." + format, file.getName());
                assertTrue(file.isFile(), file + " exists when the drag starts");
                JsonNode r = TorchPython.torch213().runJson(CHECK, List.of(file.toString(), SIMPLE.toString(),
                        "fc1"));
                List<String> keys = new ArrayList<>();
                r.get("keys").forEach(k -> keys.add(k.asText()));
                List<String> expected = new ArrayList<>();
                r.get("expected").forEach(k -> expected.add(k.asText()));
                assertTrue(expected.size() >= 2, expected.toString());
                assertEquals(Set.copyOf(expected), Set.copyOf(keys), format + ": exactly fc1's tensors");
                assertTrue(r.get("equal").asBoolean(), format + ": the source's values");
            }
        } finally {
            robot.interact(() -> window.dragOut().setFormat(before));
        }
    }

    @Test
    void theSameDragStillFillsTheBasketInsideTheApp(FxRobot robot) {
        open(robot, SIMPLE);
        ClipboardContent content = drag(robot, "fc2");
        assertTrue(content.hasFiles());
        Node basket = robot.lookup("#exportBasket").query();
        robot.interact(() -> {
            var db = TestDragboards.holding(content);
            for (var type : List.of(DragEvent.DRAG_OVER, DragEvent.DRAG_DROPPED)) {
                basket.fireEvent(new DragEvent(null, basket, type, db, 10, 10, 10, 10, TransferMode.COPY,
                        window.tree().view(), null, null));
            }
        });
        assertEquals(Set.of("fc2.weight", "fc2.bias"), Set.copyOf(window.exportSelection().keys()));
        // a drop of the app's own rows on the window does not open the dragged file
        dropOwnRows(robot, content);
        assertEquals(SIMPLE, window.workspace().primary().file());
    }

    /** What a drag of the row carries, as the row's drag handler builds it. */
    private ClipboardContent drag(FxRobot robot, String key) {
        AtomicReference<ClipboardContent> content = new AtomicReference<>();
        robot.interact(() -> content.set(window.tree().rowDragContent(List.of(row(key).getValue()))));
        assertNotNull(content.get());
        assertTrue(content.get().containsKey(DataFormat.FILES), "a file list for drops outside the app");
        return content.get();
    }

    private void dropOwnRows(FxRobot robot, ClipboardContent content) {
        Node root = stage.getScene().getRoot();
        robot.interact(() -> {
            var db = TestDragboards.holding(content);
            for (var type : List.of(DragEvent.DRAG_OVER, DragEvent.DRAG_DROPPED)) {
                root.fireEvent(new DragEvent(null, root, type, db, 10, 10, 10, 10, TransferMode.COPY,
                        window.tree().view(), null, null));
            }
        });
        waitFor(this::idle);
    }
}
