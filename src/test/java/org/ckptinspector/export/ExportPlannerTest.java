package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.RenameRule;
import org.junit.jupiter.api.Test;

class ExportPlannerTest {
    private static final Path FILE = Path.of("model.pt");

    private static Checkpoint model() {
        return new SyntheticCheckpoint(FILE)
                .f32("conv1.weight", 6).f32("conv1.bias", 2)
                .f32("fc1.weight", 8).f32("fc1.bias", 2)
                .f32("fc2.weight", 4).f32("fc2.bias", 2)
                .metadata("", "conv1", "relu1", "fc1", "fc2")
                .build();
    }

    private static List<String> outputKeys(ExportPlan plan) {
        return plan.items().stream().map(ExportItem::outputKey).toList();
    }

    private static ExportPlan plan(Checkpoint c, Selection s, RenameRule... renames) throws ExportException {
        return ExportPlanner.plan(c, ExportRequest.of(s, ExportFormat.PTH).withRenames(List.of(renames)));
    }

    @Test
    void selectsByKeysIncludeExcludeAndModules() throws Exception {
        Checkpoint c = model();
        assertEquals(6, plan(c, Selection.all()).items().size());
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                outputKeys(plan(c, Selection.all().withInclude(List.of(Pattern.compile("fc"))))));
        assertEquals(List.of("fc1.bias", "fc2.bias"), outputKeys(plan(c, Selection.all()
                .withInclude(List.of(Pattern.compile("fc"))).withExclude(List.of(Pattern.compile("weight$"))))));
        assertEquals(List.of("conv1.bias", "fc2.weight"), outputKeys(plan(c, Selection.all()
                .withKeys(Set.of("fc2.weight", "conv1.bias")))));
        assertEquals(List.of("conv1.weight", "conv1.bias", "fc2.bias"), outputKeys(plan(c, Selection.all()
                .withModules(Set.of("conv1")).withKeys(Set.of("fc2.bias")))));
        assertEquals(List.of("fc1.weight"), outputKeys(plan(c, Selection.all()
                .withInclude(List.of(Pattern.compile("^fc1\\.w"))))), "anchored patterns stay anchored");
    }

    @Test
    void keysOrModulesOrIncludesUniteAndExcludesWin() {
        Selection s = Selection.all().withKeys(Set.of("a.x")).withModules(Set.of("b"))
                .withInclude(List.of(Pattern.compile("c"))).withExclude(List.of(Pattern.compile("skip")));
        assertTrue(s.matches("a.x"));
        assertTrue(s.matches("b.y.z"));
        assertTrue(s.matches("zz.c"));
        assertTrue(!s.matches("bb.y"), "a module matches whole name parts only");
        assertTrue(!s.matches("b.skip"));
        assertTrue(!s.matches("a.y"));
    }

    @Test
    void rootRemovesThePrefixAndKeepsOnlyWhatIsUnderIt() throws Exception {
        Checkpoint c = new SyntheticCheckpoint(FILE).f32("state_dict.fc.weight", 2).f32("state_dict.fc.bias", 1)
                .f32("optimizer.state.0.exp_avg", 2).f32("state_dictionary.x", 1).build();
        ExportPlan p = plan(c, Selection.all().withRoot("state_dict"));
        assertEquals(List.of("fc.weight", "fc.bias"), outputKeys(p));
        assertEquals("state_dict.fc.weight", p.items().get(0).sourceKey());
        ExportException e = assertThrows(ExportException.class, () -> plan(c, Selection.all().withRoot("model")));
        assertTrue(e.getMessage().contains("'model'"), e.getMessage());
    }

    @Test
    void renamesApplyInOrderAfterTheRoot() throws Exception {
        Checkpoint c = new SyntheticCheckpoint(FILE).f32("module.encoder.fc.weight", 2).build();
        ExportPlan p = plan(c, Selection.all(), RenameRule.parse("^module\\.="),
                RenameRule.parse("encoder\\.(\\w+)=enc_$1"), RenameRule.addPrefix("model."));
        assertEquals(List.of("model.enc_fc.weight"), outputKeys(p));
        assertEquals("x.b", RenameRule.replacePrefix("a.", "x.").apply("a.b"));
        assertEquals("b", RenameRule.stripPrefix("a.").apply("a.b"));
        assertEquals("c.b", RenameRule.stripPrefix("a.").apply("c.b"));
    }

    @Test
    void collidingOutputKeysAreRefusedNamingThem() {
        Checkpoint c = new SyntheticCheckpoint(FILE).f32("module.fc.weight", 2).f32("fc.weight", 2)
                .f32("other", 1).build();
        ExportException e = assertThrows(ExportException.class,
                () -> plan(c, Selection.all(), RenameRule.stripPrefix("module.")));
        assertTrue(e.getMessage().contains("module.fc.weight and fc.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("'fc.weight'"), e.getMessage());
    }

    @Test
    void emptyOutputKeysUnknownKeysAndEmptySelectionsAreRefused() {
        Checkpoint c = model();
        ExportException empty = assertThrows(ExportException.class,
                () -> plan(c, Selection.all().withKeys(Set.of("fc1.bias")), RenameRule.parse(".*=")));
        assertTrue(empty.getMessage().contains("fc1.bias") && empty.getMessage().contains("empty"));
        ExportException unknown = assertThrows(ExportException.class,
                () -> plan(c, Selection.all().withKeys(Set.of("fc1.bias", "fc9.bias"))));
        assertTrue(unknown.getMessage().contains("fc9.bias"), unknown.getMessage());
        ExportException none = assertThrows(ExportException.class,
                () -> plan(c, Selection.all().withInclude(List.of(Pattern.compile("lstm")))));
        assertTrue(none.getMessage().contains("matches no tensor"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RenameRule.parse("(unclosed=x"));
        assertThrows(IllegalArgumentException.class, () -> RenameRule.parse("no-equals-sign"));
    }

    @Test
    void safetensorsRefusesDtypesItCannotHoldNamingTheKeys() {
        Checkpoint c = new SyntheticCheckpoint(FILE).tensor("ok", DType.FLOAT32, 2)
                .tensor("z", DType.COMPLEX128, 2).tensor("q", DType.QINT8, 4).tensor("h", DType.COMPLEX32, 1)
                .build();
        ExportException e = assertThrows(ExportException.class, () -> ExportPlanner.plan(c,
                ExportRequest.of(Selection.all(), ExportFormat.SAFETENSORS)));
        for (String key : List.of("z (complex128)", "q (qint8)", "h (complex32)")) {
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }

    @Test
    void dtypeConversionTouchesOnlyFloat32Float16AndBfloat16() throws Exception {
        Checkpoint c = new SyntheticCheckpoint(FILE).tensor("f", DType.FLOAT32, 2).tensor("d", DType.FLOAT64, 2)
                .tensor("i", DType.INT64, 2).tensor("b", DType.BOOL, 2).tensor("h", DType.FLOAT16, 2).build();
        ExportPlan p = ExportPlanner.plan(c, ExportRequest.of(Selection.all(), ExportFormat.PTH)
                .withDtype(DType.BFLOAT16));
        assertEquals(List.of(DType.BFLOAT16, DType.FLOAT64, DType.INT64, DType.BOOL, DType.BFLOAT16),
                p.items().stream().map(ExportItem::dtype).toList());
    }

    @Test
    void metadataKeepsOnlyTheExportedModulesUnderTheirNewNames() throws Exception {
        Checkpoint c = model();
        ExportPlan fc = plan(c, Selection.all().withInclude(List.of(Pattern.compile("fc"))));
        assertEquals(List.of("", "fc1", "fc2"), List.copyOf(fc.moduleMetadata().keySet()));
        ExportPlan renamed = plan(c, Selection.all().withModules(Set.of("fc1")), RenameRule.parse("^fc1=head"));
        assertEquals(List.of("", "head"), List.copyOf(renamed.moduleMetadata().keySet()));
        ExportPlan safetensors = ExportPlanner.plan(c, ExportRequest.of(Selection.all(), ExportFormat.SAFETENSORS));
        assertTrue(safetensors.moduleMetadata().isEmpty());
    }

    @Test
    void newDtypesAreReportedAsNeedingNewerTorch() throws Exception {
        Checkpoint c = new SyntheticCheckpoint(FILE).tensor("f8", DType.FLOAT8_E4M3FN, 4)
                .tensor("u16", DType.UINT16, 2).tensor("f", DType.FLOAT32, 2).build();
        List<String> req = plan(c, Selection.all()).requirements();
        assertEquals(List.of("torch >= 2.3 (uint16: u16)", "torch >= 2.1 (float8_e4m3fn: f8)"), req);
        assertTrue(plan(c, Selection.all().withKeys(Set.of("f"))).requirements().isEmpty());
    }
}
