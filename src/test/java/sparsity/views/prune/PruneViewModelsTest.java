package sparsity.views.prune;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The figures of a mask and the curves' view-model, by hand. */
class PruneViewModelsTest {

    static boolean[] mask(String rows) {
        String s = rows.replace(" ", "").replace("\n", "");
        boolean[] m = new boolean[s.length()];
        for (int i = 0; i < m.length; i++) m[i] = s.charAt(i) == '1';
        return m;
    }

    @Test
    void aHandMadeMaskHasTheFiguresOneCountsByHand() {
        // 2 x 8: row 0 is 2:4 (1100 0101), row 1 keeps 3 of its first 4
        MaskStats m = new MaskStats("w", mask("11000101 11100000"), 2, 8);
        assertEquals(7, m.kept());
        assertEquals(9 / 16.0, m.sparsity(), 1e-12);
        assertArrayEquals(new double[] {0.5, 5 / 8.0}, m.rowSparsity(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0.5, 1, 1, 0.5, 1, 0.5}, m.colSparsity(), 1e-12);
        assertEquals(3 / 4.0, m.nmCompliance(2, 4), 1e-12, "3 of the 4 groups keep at most 2");
        assertEquals(1.0, m.nmCompliance(4, 8), 1e-12);
        MaskStats.Encodings e = m.encodings();
        assertEquals(64, e.dense());
        assertEquals(7 * 8 + 3 * 4, e.csr());
        assertEquals(2 + 7 * 4, e.bitmap());
        assertEquals(-1, e.nm24(), "not 2:4");
        assertTrue(m.whatItBuys().startsWith("4:8 pattern"), m.whatItBuys());
        MaskStats nm = new MaskStats("w", mask("11000101 01101001"), 2, 8);
        assertEquals(1.0, nm.nmCompliance(2, 4));
        assertEquals(8 * 4 + 2, nm.encodings().nm24(), "8 values + 2 bits each");
        assertTrue(nm.whatItBuys().startsWith("2:4 pattern"));
        // at most 4 cells a side: blocks of 1 x 2
        MaskStats.Density d = m.density(4);
        assertEquals(2, d.rows());
        assertEquals(4, d.cols());
        assertEquals(2, d.blockCols());
        assertArrayEquals(new float[] {1f, 0f, 0.5f, 0.5f, 1f, 0.5f, 0f, 0f}, d.values(), 1e-6f);
        assertEquals(1 / 3.0, MaskStats.jaccardOfPruned(mask("1100"), mask("1010")), 1e-12);
        assertEquals(2, MaskStats.histogram(m.rowSparsity()).total(), 1e-12);
    }

    @Test
    void curvePointsArriveFromAnyThreadAndMethodsCanBeHidden() throws Exception {
        CurveViewModel vm = new CurveViewModel("MNIST", "weight sparsity (%)", "accuracy (%)");
        Thread t = new Thread(() -> {
            vm.add(new CurveViewModel.Point("magnitude", 0, 97.45, 0, 0.1));
            vm.add(new CurveViewModel.Point("magnitude", 0.5, 97.0, 0.5, 0.1));
            vm.add(new CurveViewModel.Point("random", 0.5, 80.0, 0.5, 0.1));
        });
        t.start();
        t.join();
        assertTrue(vm.drain());
        assertFalse(vm.drain());
        assertEquals(List.of("magnitude", "random"), vm.methods());
        assertEquals(2, vm.data().getSeriesCount());
        assertEquals(50.0, vm.data().getSeries(0).getX(1).doubleValue(), 1e-12, "levels are drawn in percent");
        vm.setVisible("magnitude", false);
        assertEquals(1, vm.data().getSeriesCount());
        assertEquals("random", vm.data().getSeriesKey(0));
        vm.setVisible("magnitude", true);
        assertEquals("magnitude", vm.data().getSeriesKey(0), "a shown method takes its place back");
        assertEquals(3, vm.table().rows().size());
        assertTrue(vm.describe("random", 50, 80).startsWith("random at 50.0%: accuracy (%) 80.0000"));
    }
}
