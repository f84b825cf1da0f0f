package org.ckptinspector.format.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** What the torch readers make of the real fixture files beyond the manifest: keys, flags, metadata, warnings. */
class TorchFixturesTest {

    private static Checkpoint open(String name) throws Exception {
        return CheckpointOpener.open(Fixtures.file("torch-2.13", name));
    }

    @TestFactory
    Stream<DynamicTest> filesTorchLoadsOpenWithoutWarnings() {
        return Fixtures.entries().stream()
                .filter(e -> e.format().equals("zip") || e.format().equals("legacy"))
                .map(e -> DynamicTest.dynamicTest(e.version() + "/" + e.name(), () -> {
                    try (Checkpoint c = CheckpointOpener.open(e.path())) {
                        assertEquals(List.of(), c.warnings());
                        assertTrue(c.tensors().stream().allMatch(t -> t.problems().isEmpty()));
                    }
                }));
    }

    @Test
    void pickledModuleKeysAreStateDictNames() throws Exception {
        for (String name : List.of("full_model.pt", "full_model_legacy.pt")) {
            try (Checkpoint c = open(name)) {
                assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                        c.tensors().stream().map(TensorRef::key).toList());
                TensorRef w = c.tensor("fc1.weight").orElseThrow();
                assertEquals(List.of("_modules", "fc1", "_parameters", "weight"), w.path());
                assertEquals(Set.of(TensorRef.Flag.PARAMETER, TensorRef.Flag.REQUIRES_GRAD), w.flags());
            }
        }
    }

    @Test
    void nestedCheckpointKeysJoinThePath() throws Exception {
        try (Checkpoint c = open("lightning.ckpt")) {
            TensorRef t = c.tensor("optimizer_states.0.state.0.exp_avg").orElseThrow();
            assertEquals(List.of("optimizer_states", 0, "state", 0, "exp_avg"), t.path());
            assertTrue(c.tensor("state_dict.model.fc1.weight").isPresent());
            PyValue.Dict meta = (PyValue.Dict) c.metadata();
            assertEquals(PyValue.Int.of(3), meta.get("epoch"));
            assertEquals(List.of("epoch", "global_step", "pytorch-lightning_version", "optimizer_states",
                    "lr_schedulers", "callbacks", "hyper_parameters"),
                    meta.entries().keySet().stream().map(k -> ((PyValue.Str) k).value()).toList());
        }
        try (Checkpoint c = open("tensor_list.pt")) {
            assertEquals(List.of("0", "1.0", "2.k"), c.tensors().stream().map(TensorRef::key).toList());
        }
        try (Checkpoint c = open("bare_tensor.pt")) {
            assertEquals(TensorPlacement.ROOT_KEY, c.tensors().get(0).key());
            assertEquals(List.of(), c.tensors().get(0).path());
        }
    }

    @Test
    void tiedWeightsAreTwoKeysOnOneStorage() throws Exception {
        try (Checkpoint c = open("tiny_gpt_bf16_tied.pt")) {
            assertSame(c.tensor("transformer.wte.weight").orElseThrow().storage(),
                    c.tensor("lm_head.weight").orElseThrow().storage());
        }
    }

    @Test
    void metadataHoldsNonTensorValuesDecoded() throws Exception {
        try (Checkpoint c = open("numpy_argparse_checkpoint.pt")) {
            PyValue.Dict meta = (PyValue.Dict) c.metadata();
            assertEquals(PyValue.Int.of(3), meta.get("epoch"));
            assertEquals(new PyValue.Float(0.75), meta.get("best_acc1"));
            assertEquals(new PyValue.Float(0.5), meta.get("best_loss"));
            PyValue.Dict args = (PyValue.Dict) meta.get("args");
            assertEquals("argparse.Namespace", args.className());
            assertEquals(new PyValue.Float(0.1), args.get("lr"));
            assertNull(meta.get("state_dict"), "the all-tensor state_dict is not metadata");
        }
        try (Checkpoint c = open("simple_adam.pt")) {
            assertEquals(0, ((PyValue.Dict) c.metadata()).size());
        }
        try (Checkpoint c = open("mixed_values.pt")) {
            PyValue.Dict meta = (PyValue.Dict) c.metadata();
            assertEquals(new PyValue.Int(BigInteger.TWO.pow(70)), meta.get("huge"));
            assertEquals(new PyValue.Bytes(new byte[] {0, 1, 'r', 'a', 'w'}), meta.get("bytes"));
            PyValue.Dict set = (PyValue.Dict) meta.get("set");
            assertEquals("set", set.className());
            assertEquals(Set.of(PyValue.Int.of(1), PyValue.Int.of(2)), set.entries().keySet());
        }
    }

    @Test
    void tensorKindsCarryTheirDetails() throws Exception {
        try (Checkpoint c = open("quantized.pt")) {
            assertEquals(new Quantization.PerTensor("per_tensor_affine", 0.05, 0),
                    c.tensor("qint8").orElseThrow().quantization());
            Quantization.PerChannel pc = (Quantization.PerChannel) c.tensor("per_channel_qint8").orElseThrow()
                    .quantization();
            assertEquals(0, pc.axis());
            assertEquals("float64", pc.scales().dtype().torchName());
            assertEquals(3, c.tensor("quint4x2").orElseThrow().nbytes());
        }
        try (Checkpoint c = open("meta_tensors.pt")) {
            TensorRef m = c.tensor("meta_weight").orElseThrow();
            assertEquals(Layout.META, m.layout());
            assertNull(m.storage());
            assertFalse(m.hasValues());
        }
        try (Checkpoint c = open("sparse_coo.pt")) {
            TensorRef s = c.tensor("sparse").orElseThrow();
            assertEquals(Layout.SPARSE_COO, s.layout());
            assertEquals(List.of("indices", "values"), List.copyOf(s.components().keySet()));
            assertTrue(s.hasValues());
        }
        try (Checkpoint c = open("conj_neg_bits.pt")) {
            assertEquals(Set.of(TensorRef.Flag.CONJ), c.tensor("conj_view").orElseThrow().flags());
            assertEquals(Set.of(TensorRef.Flag.NEG), c.tensor("neg_imag_of_conj").orElseThrow().flags());
        }
        try (Checkpoint c = open("tensor_subclass.pt")) {
            assertEquals("__main__.TaggedTensor", c.tensor("subclassed").orElseThrow().pythonType());
            assertNull(c.tensor("plain").orElseThrow().pythonType());
        }
        try (Checkpoint c = open("param_with_state.pt")) {
            assertTrue(c.tensor("weight_with_attrs").orElseThrow().has(TensorRef.Flag.REQUIRES_GRAD));
            assertFalse(c.tensor("frozen_with_attrs").orElseThrow().has(TensorRef.Flag.REQUIRES_GRAD));
            assertTrue(c.tensor("frozen_with_attrs").orElseThrow().has(TensorRef.Flag.PARAMETER));
        }
        try (Checkpoint c = open("dtypes_v3.pt")) {
            TensorRef u16 = c.tensor("uint16_view_offset5").orElseThrow();
            assertEquals("uint8", u16.storage().dtype().torchName(), "UntypedStorage counts bytes");
            assertEquals(24, u16.storage().byteSize());
        }
    }

    @Test
    void globalsAreRecordedWithRecordAndOffset() throws Exception {
        try (Checkpoint c = open("simple_adam.pt")) {
            assertEquals("collections.OrderedDict", c.globals().get(0).qualifiedName());
            assertEquals("simple_adam/data.pkl", c.globals().get(0).record());
            assertEquals(2, c.globals().get(0).offset());
        }
        try (Checkpoint c = open("simple_adam_legacy.pt")) {
            assertEquals("pickle 4", c.globals().get(0).record());
            assertEquals(2, c.globals().get(0).offset());
        }
        try (Checkpoint c = open("modèle_ü.pt")) {
            assertEquals("archive/data.pkl", c.globals().get(0).record());
        }
    }
}
