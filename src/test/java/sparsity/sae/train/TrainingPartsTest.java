package sparsity.sae.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingPartsTest {

    @Test
    void geometricMedianOfTheCornersOfASquareIsItsCentre() {
        float[] x = {0, 0, 2, 0, 0, 2, 2, 2};
        assertArrayEquals(new float[] {1, 1}, GeometricMedian.weiszfeld(x, 4, 2, 500, 1e-10), 1e-6f);
    }

    @Test
    void geometricMedianResistsAnOutlierUnlikeTheMean() {
        // 5 points on a line at 0,1,2,3 and one at 1000: the median point is between 2 and 3 in 1-D
        // (any point of [2, 3] minimizes); with a second coordinate 0 the Weiszfeld limit stays there
        float[] x = {0, 0, 1, 0, 2, 0, 3, 0, 1000, 0};
        float[] m = GeometricMedian.weiszfeld(x, 5, 2, 2000, 1e-12);
        assertEquals(2.0, m[0], 1e-3, "the geometric median of 0,1,2,3,1000 on a line is 2");
        assertEquals(0, m[1], 1e-9);
    }

    @Test
    void learningRateWarmsUpHoldsAndDecays() {
        LearningRate lr = new LearningRate(1e-3, 10, 0.2, 100);
        assertEquals(1e-4, lr.at(0), 1e-15);
        assertEquals(1e-3, lr.at(9), 1e-15);
        assertEquals(1e-3, lr.at(50), 1e-15);
        assertEquals(1e-3, lr.at(80), 1e-15, "decay starts at step 80 with the full rate");
        assertEquals(0.5e-3, lr.at(90), 1e-15);
        assertEquals(0.05e-3, lr.at(99), 1e-15);
    }

    @Test
    void deadLatentsCountTokensSinceLastFiring() {
        DeadLatents d = new DeadLatents(3, 100);
        d.record(60, new boolean[] {true, false, false});
        d.record(60, new boolean[] {false, true, false});
        assertArrayEquals(new long[] {60, 0, 120}, d.tokensSinceFired());
        assertArrayEquals(new int[] {2}, d.dead());
        assertFalse(d.isDead(0));
        d.record(40, new boolean[] {false, false, true});
        assertTrue(d.isDead(0));
        assertEquals(1, d.deadCount());
    }
}
