package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/**
 * Slices, pages, heat-map layouts and single values of real tensors written by torch (make_convnet.py), checked
 * against the values torch itself printed for those slices (convnet.json).
 */
class TensorSliceTest {
    static final Path CONVNET = Path.of("src/test/resources/gui/convnet.pt");
    static final Path TRUTH = Path.of("src/test/resources/gui/convnet.json");

    static JsonNode truth() throws Exception {
        return new ObjectMapper().readTree(TRUTH.toFile());
    }

    @Test
    void everyPlaneTorchSlicedReadsAsTorchSlicedIt() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(CONVNET)) {
            for (JsonNode p : truth().get("planes")) {
                TensorRef t = c.tensor(p.get("key").asText()).orElseThrow();
                long[] fixed = longs(p.get("fixed"));
                TensorSlice s = TensorSlice.initial(t.shape(), 24).withDims(p.get("row_dim").asInt(),
                        p.get("col_dim").asInt()).containing(fixed);
                PreviewGrid grid = PreviewGrid.of(t, 8, 8).withSlice(s);
                JsonNode rows = p.get("values");
                assertEquals(rows.size(), grid.totalRows(), p.get("key") + " rows");
                assertEquals(rows.get(0).size(), grid.totalColumns(), p.get("key") + " columns");
                // One page of the whole plane, then the same cells again from pages at odd offsets.
                ValuePage all = grid.page(0, rows.size(), 0, rows.get(0).size());
                for (int r = 0; r < rows.size(); r++) {
                    for (int col = 0; col < rows.get(r).size(); col++) {
                        assertEquals((float) rows.get(r).get(col).asDouble(), (float) all.value(r, col),
                                p.get("key") + " " + s.describe() + " at " + r + ", " + col);
                    }
                }
                ValuePage late = grid.page(rows.size() / 2, 5, rows.get(0).size() / 3, 4);
                for (long r = late.firstRow(); r < late.firstRow() + late.rows(); r++) {
                    for (long col = late.firstCol(); col < late.firstCol() + late.cols(); col++) {
                        assertEquals((float) rows.get((int) r).get((int) col).asDouble(), (float) late.value(r, col));
                    }
                }
            }
        }
    }

    @Test
    void goToIndexFindsTheSliceAndCellOfAnElementTorchIndexed() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(CONVNET)) {
            for (JsonNode e : truth().get("elements")) {
                TensorRef t = c.tensor(e.get("key").asText()).orElseThrow();
                String typed = e.has("position") ? e.get("position").asText() : e.get("index").toString();
                long[] index = TensorSlice.parseIndex(typed, t.shape());
                assertArrayEquals(longs(e.get("index")), index, typed);
                PreviewGrid grid = PreviewGrid.of(t, 8, 8);
                TensorSlice s = grid.slice().containing(index);
                long[] cell = s.cellOf(index);
                ValuePage page = grid.withSlice(s).page(cell[0], 1, cell[1], 1);
                assertEquals((float) e.get("value").asDouble(), (float) page.value(cell[0], cell[1]), typed);
                assertArrayEquals(index, s.index(cell[0], cell[1]));
                assertEquals(TensorSlice.flatOf(t.shape(), index), s.flat(cell[0], cell[1]));
            }
        }
    }

    @Test
    void typedIndicesAreCheckedAgainstTheShape() {
        long[] shape = {64, 3, 7, 7};
        assertArrayEquals(new long[] {63, 2, 6, 6}, TensorSlice.parseIndex("(-1, -1, 6, 6)", shape));
        assertArrayEquals(new long[] {1, 0, 0, 0}, TensorSlice.parseIndex("147", shape));
        assertArrayEquals(new long[] {5, 1, 2, 3}, TensorSlice.parseIndex("5 1 2 3", shape));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TensorSlice.parseIndex("[64, 0, 0, 0]", shape))
                .getMessage().contains("dimension 0 of size 64"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TensorSlice.parseIndex("[1, 2]", shape))
                .getMessage().contains("2 indices for 4 dimensions"));
        assertThrows(IllegalArgumentException.class, () -> TensorSlice.parseIndex("9408", shape));
        assertThrows(IllegalArgumentException.class, () -> TensorSlice.parseIndex("x", shape));
    }

    @Test
    void aOneByOneConvolutionOpensAsOutByInNotAsOneCell() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(CONVNET)) {
            TensorRef proj = c.tensor("proj.weight").orElseThrow();
            PreviewGrid grid = PreviewGrid.of(proj, 64, 24);
            assertEquals(128, grid.totalRows());
            assertEquals(64, grid.totalColumns());
            TensorRef conv = c.tensor("conv1.weight").orElseThrow();
            TensorSlice s = PreviewGrid.of(conv, 64, 24).slice();
            assertEquals("[0, 0, :, :]", s.describe());
            assertEquals(7, s.rows());
            assertEquals(s.withRowDim(3).colDim(), 2, "choosing the column dimension for the rows swaps them");
        }
    }

    @Test
    void aVectorPagesThroughAllItsValuesInWrappedRows() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "complex_model.pt"))) {
            TensorRef fc1 = c.tensor("fc1.weight").orElseThrow();
            TensorRef bias = c.tensor("fc1.bias").orElseThrow();
            PreviewGrid grid = PreviewGrid.of(bias, 64, 4);
            assertEquals(3, grid.totalRows(), "10 values in rows of 4");
            ValuePage page = grid.page(0, 3, 0, 4);
            assertNull(page.text(2, 2), "past the last value");
            assertNotNull(page.text(2, 1));
            assertEquals(8, grid.slice().rowLabel(2));
            double[] head = org.ckptinspector.values.ValueReader.head(bias, 10);
            assertEquals(head[9], page.value(2, 1));
            // A late page of a large matrix: only it is read, and it holds the values at its flat positions.
            PreviewGrid big = PreviewGrid.of(fc1, 64, 24);
            assertEquals(10816, big.totalColumns());
            ValuePage tail = big.page(9, 1, 10810, 24);
            assertEquals(6, tail.cols(), "clipped to the matrix");
            double[] last = org.ckptinspector.values.ValueReader.of(fc1).read(9 * 10816 + 10810, 6);
            assertEquals(last[5], tail.value(9, 10815));
        }
    }

    @Test
    void kernelsLayoutPlacesEveryConvolutionValueInItsKernelCell() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(CONVNET)) {
            TensorRef conv = c.tensor("conv1.weight").orElseThrow();
            HeatMapData d = HeatMapData.of(conv, 1024, 1024, TaskMonitor.NONE);
            HeatLayout.Kernels k = (HeatLayout.Kernels) d.layout();
            assertTrue(d.exact());
            assertTrue(k.groups() > 1, "64 × 3 kernels wrap into columns");
            double ratio = (double) d.rows() / d.cols();
            assertTrue(ratio > 0.5 && ratio < 2, "close to square, not a strip: " + d.rows() + " × " + d.cols());
            for (JsonNode p : truth().get("planes")) {
                if (p.get("key").asText().equals("conv1.weight") && p.get("row_dim").asInt() == 2) {
                    long[] fixed = longs(p.get("fixed"));
                    for (int y = 0; y < 7; y++) {
                        for (int x = 0; x < 7; x++) {
                            long[] cell = new long[2];
                            assertTrue(k.cellOf(new long[] {fixed[0], fixed[1], y, x}, cell));
                            assertArrayEquals(new long[] {fixed[0], fixed[1], y, x}, k.indexAt(cell[0], cell[1]));
                            assertEquals((float) p.get("values").get(y).get(x).asDouble(),
                                    (float) d.cells()[(int) cell[0]][(int) cell[1]]);
                            assertTrue(d.describe((int) cell[0], (int) cell[1]).startsWith(
                                    java.util.Arrays.toString(new long[] {fixed[0], fixed[1], y, x}) + " = "));
                        }
                    }
                }
            }
            assertNull(k.indexAt(7, 0), "the gap below the first kernel row");
            // The axes' labels name the kernel under them: row number plus the column's "+N" is the out channel.
            long row = 6 * 8;
            long col = 2 * 3 * 8;
            assertTrue(k.colTick(col).startsWith("+"), k.colTick(col));
            assertEquals(Long.parseLong(k.rowTick(row)) + Long.parseLong(k.colTick(col).substring(1)),
                    k.indexAt(row, col)[0]);
            assertEquals("1", k.colTick(8));
            assertEquals(1, k.indexAt(0, 8)[1]);
            assertTrue(Double.isNaN(d.cells()[7][0]));
        }
    }

    @Test
    void aReducedHeatMapWindowIsRecomputedAtFullDetail() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(CONVNET)) {
            TensorRef proj = c.tensor("proj.weight").orElseThrow();
            HeatMapData coarse = HeatMapData.of(proj, 32, 32, TaskMonitor.NONE);
            assertFalse(coarse.exact());
            assertEquals(4, coarse.rowsPerCell());
            assertTrue(coarse.describe(1, 1).startsWith("rows 4–7 × columns 2–3: mean "), coarse.describe(1, 1));
            HeatMapData window = HeatMapData.of(proj, coarse.layout(), 100, 10, 20, 30, 32, 32, TaskMonitor.NONE);
            assertTrue(window.exact());
            JsonNode plane = null;
            for (JsonNode p : truth().get("planes")) {
                plane = p.get("key").asText().equals("proj.weight") ? p : plane;
            }
            assertEquals((float) plane.get("values").get(105).get(17).asDouble(), (float) window.cells()[5][7]);
            assertEquals("[105, 17, 0, 0] = " + PreviewGrid.exact(window.cells()[5][7], proj.dtype()),
                    window.describe(5, 7));
        }
    }

    @Test
    void oneElementTensorsAreReadAsAValue() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(CONVNET)) {
            TensorRef n = c.tensor("bn1.num_batches_tracked").orElseThrow();
            assertTrue(SingleValue.applies(n));
            assertEquals(truth().get("scalars").get("bn1.num_batches_tracked").asText(), SingleValue.of(n).text());
            assertEquals("[]", SingleValue.of(n).index());
            assertFalse(SingleValue.applies(c.tensor("fc.bias").orElseThrow()));
        }
    }

    static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }
}
