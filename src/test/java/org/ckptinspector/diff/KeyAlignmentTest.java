package org.ckptinspector.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;

/** Alignment works on names and paths only, so these tensors have no data. */
class KeyAlignmentTest {
    private static final DiffOptions ALIGN = DiffOptions.defaults().withAlignPrefixes(true);
    private static final List<String> PLAIN = List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");

    /** A flat state_dict: each key is one dict key at the root. */
    private static List<TensorRef> flat(List<String> keys) {
        List<TensorRef> out = new ArrayList<>();
        for (String k : keys) {
            out.add(tensor(k, List.of(k)));
        }
        return out;
    }

    private static List<TensorRef> prefixed(String prefix, List<String> keys) {
        return flat(keys.stream().map(k -> prefix + k).toList());
    }

    private static TensorRef tensor(String key, List<Object> path) {
        return TensorRef.strided(DType.FLOAT32, new long[] {1}, new long[] {1}, 0, null).withLocation(key, path);
    }

    private static List<String> names(List<NamedTensor> tensors) {
        return tensors.stream().map(NamedTensor::name).toList();
    }

    @Test
    void namesThatMatchAreLeftAlone() {
        KeyAlignment.Result r = KeyAlignment.align(flat(PLAIN), flat(PLAIN), ALIGN);
        assertNull(r.description());
        assertEquals(PLAIN, names(r.a()));
    }

    @Test
    void withoutTheOptionPrefixesStayAsTheyAre() {
        KeyAlignment.Result r = KeyAlignment.align(prefixed("module.", PLAIN), flat(PLAIN), DiffOptions.defaults());
        assertNull(r.description());
        assertEquals(prefixed("module.", PLAIN).stream().map(TensorRef::key).toList(), names(r.a()));
    }

    @Test
    void dataParallelPrefixIsRemovedFromA() {
        KeyAlignment.Result r = KeyAlignment.align(prefixed("module.", PLAIN), flat(PLAIN), ALIGN);
        assertEquals("prefix \"module.\" removed from A's keys", r.description());
        assertEquals(PLAIN, names(r.a()));
    }

    @Test
    void bsPrefixIsAddedToAsKeysSoTheReportUsesBsNames() {
        List<String> aKeys = new ArrayList<>(PLAIN);
        aKeys.add("fc3.weight");
        KeyAlignment.Result r = KeyAlignment.align(flat(aKeys), prefixed("_orig_mod.", PLAIN), ALIGN);
        assertEquals("prefix \"_orig_mod.\" added to A's keys", r.description());
        assertEquals(List.of("_orig_mod.fc1.weight", "_orig_mod.fc1.bias", "_orig_mod.fc2.weight",
                "_orig_mod.fc2.bias", "_orig_mod.fc3.weight"), names(r.a()));
    }

    @Test
    void stackedWrappersOnBothSides() {
        KeyAlignment.Result r = KeyAlignment.align(prefixed("module._orig_mod.", PLAIN), prefixed("model.", PLAIN),
                ALIGN);
        assertEquals("A's prefix \"module._orig_mod.\" replaced by \"model.\"", r.description());
        assertEquals(prefixed("model.", PLAIN).stream().map(TensorRef::key).toList(), names(r.a()));
    }

    @Test
    void nestedCheckpointsSubDictIsSelectedAndTheRestLeftOut() {
        List<TensorRef> a = new ArrayList<>();
        for (String k : PLAIN) {
            a.add(tensor("state_dict.model." + k, List.of("state_dict", "model." + k)));
        }
        a.add(tensor("optimizer_states.0.state.0.exp_avg", List.of("optimizer_states", 0, "state", 0, "exp_avg")));
        a.add(tensor("optimizer_states.0.state.1.exp_avg", List.of("optimizer_states", 0, "state", 1, "exp_avg")));
        KeyAlignment.Result r = KeyAlignment.align(a, flat(PLAIN), ALIGN);
        assertEquals("A's sub-dict \"state_dict\" compared (2 other tensors of A left out); "
                + "prefix \"model.\" removed from A's keys", r.description());
        assertEquals(PLAIN, names(r.a()));
        assertEquals("state_dict.model.fc1.weight", r.a().get(0).fileKey());
    }

    @Test
    void aNestedModelDictOnTheBSide() {
        List<TensorRef> b = new ArrayList<>();
        for (String k : PLAIN) {
            b.add(tensor("model." + k, List.of("model", k)));
        }
        b.add(tensor("ema.fc1.weight", List.of("ema", "fc1.weight")));
        KeyAlignment.Result r = KeyAlignment.align(flat(PLAIN), b, ALIGN);
        assertTrue(r.description().startsWith("B's sub-dict \"model\" compared (1 other tensors of B left out)"),
                r.description());
        assertEquals(PLAIN, names(r.b()));
        assertEquals(PLAIN, names(r.a()));
    }

    @Test
    void aPrefixThatMatchesNoMoreKeysIsNotApplied() {
        List<String> a = List.of("model.fc1.weight", "fc1.weight");
        KeyAlignment.Result r = KeyAlignment.align(flat(a), flat(List.of("fc1.weight")), ALIGN);
        assertNull(r.description());
        assertEquals(a, names(r.a()));
    }

    @Test
    void renamesComeFirstAndAreDescribed() {
        DiffOptions options = DiffOptions.defaults().withRenames(List.of(RenameRule.parse("^net\\.=")));
        KeyAlignment.Result r = KeyAlignment.align(prefixed("net.", PLAIN), flat(PLAIN), options);
        assertEquals("A's keys renamed by ^net\\.=", r.description());
        assertEquals(PLAIN, names(r.a()));
    }

    @Test
    void renamesThatMergeTwoKeysAreRefused() {
        DiffOptions options = DiffOptions.defaults().withRenames(List.of(RenameRule.parse("^(module\\.)?=")));
        List<TensorRef> a = flat(List.of("module.fc1.weight", "fc1.weight"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyAlignment.align(a, flat(PLAIN), options));
        assertTrue(e.getMessage().contains("'module.fc1.weight' and 'fc1.weight'"), e.getMessage());
    }
}
