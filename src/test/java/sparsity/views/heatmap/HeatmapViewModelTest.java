package sparsity.views.heatmap;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pointer math of the heatmap, without a window: the cell under the cursor under zoom and pan. */
class HeatmapViewModelTest {

    private static final int N = 2048;
    private static final double W = 800;
    private static final double H = 600;

    /** Cell (r, c) holds r * 4096 + c, so a value names its cell. */
    private static HeatmapViewModel model(List<String> tokens) {
        float[] d = new float[N * N];
        for (int r = 0; r < N; r++) for (int c = 0; c < N; c++) d[r * N + c] = r * 4096f + c;
        return new HeatmapViewModel("test", MatrixSource.of(d, N, N), "query", "key", tokens, tokens);
    }

    private static void assertCell(HeatmapViewModel.Cell c, int row, int col) {
        assertEquals(row, c.row(), "row");
        assertEquals(col, c.col(), "col");
        assertEquals(row * 4096f + col, c.value(), "the value is the one of that cell");
    }

    @Test
    void theWholeMapSpreadsCellsOverThePlot() {
        HeatmapViewModel vm = model(null);
        assertCell(vm.cellAt(0, 0, W, H), 0, 0);
        assertCell(vm.cellAt(W - 0.01, H - 0.01, W, H), N - 1, N - 1);
        assertCell(vm.cellAt(400, 300, W, H), 1024, 1024);
        assertNull(vm.cellAt(-1, 10, W, H));
        assertNull(vm.cellAt(10, H, W, H));
    }

    @Test
    void zoomKeepsTheCellUnderTheCursorAndNarrowsTheView() {
        HeatmapViewModel vm = model(null);
        double x = 200;
        double y = 450;
        HeatmapViewModel.Cell before = vm.cellAt(x, y, W, H);
        vm.zoomAt(16, x, y, W, H);
        assertEquals(N / 16.0, vm.viewport().rows(), 1e-9);
        assertCell(vm.cellAt(x, y, W, H), before.row(), before.col());
        // 16x in: 128 cells across 800 px, 6.25 px per cell
        HeatmapViewModel.Cell right = vm.cellAt(x + 6.25 * 3, y, W, H);
        assertCell(right, before.row(), before.col() + 3);
        vm.wheel(-100, x, y, W, H);
        assertEquals(Viewport.full(N, N), vm.viewport(), "zooming far out stops at the whole map");
    }

    @Test
    void panMovesTheCellWithThePointer() {
        HeatmapViewModel vm = model(null);
        vm.zoomAt(32, 400, 300, W, H);
        HeatmapViewModel.Cell grabbed = vm.cellAt(300, 200, W, H);
        vm.panBy(120, -75, W, H);
        assertCell(vm.cellAt(420, 125, W, H), grabbed.row(), grabbed.col());
        vm.panBy(1e7, 1e7, W, H);
        assertEquals(0, vm.viewport().row0(), 1e-9, "panning stops at the matrix's edge");
        assertEquals(0, vm.viewport().col0(), 1e-9);
        assertCell(vm.cellAt(0, 0, W, H), 0, 0);
        vm.panBy(-1e7, -1e7, W, H);
        assertCell(vm.cellAt(W - 0.01, H - 0.01, W, H), N - 1, N - 1);
        vm.reset();
        assertEquals(Viewport.full(N, N), vm.viewport());
    }

    @Test
    void zoomStopsAtTwoCellsAndLabelsShowOnlyWhenReadable() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < N; i++) tokens.add("tok" + i);
        HeatmapViewModel vm = model(tokens);
        assertFalse(vm.rowLabelsReadable(H));
        vm.zoomAt(1e9, 10, 10, W, H);
        assertEquals(Viewport.MIN_SPAN, vm.viewport().rows(), 1e-9);
        assertTrue(vm.rowLabelsReadable(H));
        assertTrue(vm.colLabelsReadable(W));
        HeatmapViewModel.Cell c = vm.cellAt(10, 10, W, H);
        assertEquals("query " + c.row() + " 'tok" + c.row() + "'  \u00b7  key " + c.col() + " 'tok" + c.col()
                + "'  \u00b7  value " + HeatmapViewModel.format(c.value()), vm.describe(c));
        assertFalse(model(null).rowLabelsReadable(H), "no labels, nothing to read");
    }

    @Test
    void axisTicksUseRoundSteps() {
        assertEquals(1, HeatmapAxes.niceStep(30, 28));
        assertEquals(2, HeatmapAxes.niceStep(15, 28));
        assertEquals(5, HeatmapAxes.niceStep(6, 28));
        assertEquals(100, HeatmapAxes.niceStep(0.39, 28));
    }
}
