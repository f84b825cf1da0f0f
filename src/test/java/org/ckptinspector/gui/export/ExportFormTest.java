package org.ckptinspector.gui.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.ckptinspector.app.RenamePreview;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.model.RenameRule;
import org.junit.jupiter.api.Test;

/** The live rename preview and the export form's checks, without a window. */
class ExportFormTest {

    @Test
    void previewFlagsCollisionsAndEmptyKeys() {
        RenamePreview p = RenamePreview.of(List.of("model.fc1.weight", "model.fc2.weight", "model"),
                List.of(new RenameRule.Regex(Pattern.compile("^model\\.?(fc\\d\\.)?"), "")));
        assertEquals(List.of("weight", "weight", ""), p.rows().stream().map(RenamePreview.Row::output).toList());
        assertEquals(List.of(RenamePreview.Problem.COLLISION, RenamePreview.Problem.COLLISION,
                RenamePreview.Problem.EMPTY), p.rows().stream().map(RenamePreview.Row::problem).toList());
        assertFalse(p.ok());
    }

    @Test
    void stripCommonPrefixRemovesTheSharedDottedPrefix() {
        ExportForm f = new ExportForm(List.of("state_dict.model.fc1.weight", "state_dict.model.fc2.bias"),
                Path.of("/tmp/x.ckpt"));
        assertEquals("state_dict.model.", f.addStripCommonPrefix().orElseThrow());
        assertEquals(List.of("fc1.weight", "fc2.bias"), f.preview().rows().stream().map(RenamePreview.Row::output)
                .toList());
        assertTrue(f.problem().isEmpty());
        assertEquals(Path.of("/tmp/x-export.pth"), f.outputProperty().get());
    }

    @Test
    void anInvalidRuleIsReportedBeforeAnythingRuns() {
        ExportForm f = new ExportForm(List.of("a.b"), Path.of("/tmp/x.pt"));
        f.rules().add(new RuleText("(", "x"));
        assertTrue(f.problem().orElseThrow().contains("invalid regex"));
    }

    @Test
    void theFormatFollowsTheTypedExtensionAndTheExtensionTheFormat() {
        ExportForm f = new ExportForm(List.of("fc1.weight"), Path.of("/tmp/x.ckpt"));
        assertEquals(ExportFormat.PTH, f.formatProperty().get());
        f.outputProperty().set(Path.of("/tmp/out.safetensors"));
        assertEquals(ExportFormat.SAFETENSORS, f.formatProperty().get());
        assertEquals(Path.of("/tmp/out.safetensors"), f.outputProperty().get());
        f.outputProperty().set(Path.of("/tmp/out.pt"));
        assertEquals(ExportFormat.PTH, f.formatProperty().get());
        assertEquals(Path.of("/tmp/out.pt"), f.outputProperty().get(), "a torch extension stays as typed");
        f.formatProperty().set(ExportFormat.SAFETENSORS);
        assertEquals(Path.of("/tmp/out.safetensors"), f.outputProperty().get());
        f.outputProperty().set(Path.of("/tmp/notes.txt"));
        assertEquals(ExportFormat.SAFETENSORS, f.formatProperty().get(), "an unknown extension keeps the format");
        assertTrue(f.problem().orElseThrow().startsWith("End the file name in .safetensors"), f.problem().get());
    }
}
