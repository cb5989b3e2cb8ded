package sparsity.analysis.prune;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MasksTest {

    @Test
    void lampScoresOfASmallVector() {
        // |w| ascending: 1, 2, 3 -> 1/(1+4+9), 4/(4+9), 9/9
        float[] s = Scores.lamp(new float[] {3f, -1f, 2f});
        assertArrayEquals(new float[] {1f, 1f / 14, 4f / 13}, s, 1e-7f);
    }

    @Test
    void lampTiesKeepIndexOrderAndZerosScoreZero() {
        float[] s = Scores.lamp(new float[] {0f, 2f, -2f});
        // ascending by |w| then index: 0 (idx 0), 2 (idx 1), -2 (idx 2)
        assertArrayEquals(new float[] {0f, 0.5f, 1f}, s, 1e-7f);
    }

    @Test
    void wandaOnAHandMadeLayer() {
        // W [out=2, in=3]; inputs over 2 tokens: feature norms sqrt(2), 0, sqrt(20)
        float[] w = {1f, -2f, 0.5f, 0.1f, 3f, -1f};
        float[] x = {1f, 0f, 2f, 1f, 0f, -4f};
        float[] norms = Scores.inputNorms(x, 2, 3);
        assertArrayEquals(new float[] {(float) Math.sqrt(2), 0f, (float) Math.sqrt(20)}, norms, 1e-6f);
        float[] s = Scores.wanda(w, 2, 3, norms);
        assertArrayEquals(new float[] {1.4142135f, 0f, 2.236068f, 0.14142136f, 0f, 4.472136f}, s, 1e-5f);
        // per row at 1/3: input 1 (never active) goes in both rows, although |W| there is the largest
        boolean[] keep = Masks.perRow(s, 2, 3, 1.0 / 3);
        assertArrayEquals(new boolean[] {true, false, true, true, false, true}, keep);
        // at 2/3 each row keeps its best: input 2 in both
        assertArrayEquals(new boolean[] {false, false, true, false, false, true}, Masks.perRow(s, 2, 3, 2.0 / 3));
        // magnitude alone would keep the -2 and the 3
        boolean[] mag = Masks.perRow(Scores.magnitude(w), 2, 3, 2.0 / 3);
        assertArrayEquals(new boolean[] {false, true, false, false, true, false}, mag);
    }

    @Test
    void unstructuredAndGlobalPruneExactlyTheAskedShare() {
        Random r = new Random(4);
        float[] a = new float[1000];
        float[] b = new float[333];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = 10 * (float) r.nextGaussian();
        for (double s : new double[] {0, 0.1, 0.5, 0.9, 0.95, 0.99, 1}) {
            boolean[] m = Masks.unstructured(Scores.magnitude(a), s);
            assertEquals(Math.round(s * 1000), Math.round(Masks.sparsity(m) * 1000), "layer-wise at " + s);
            List<boolean[]> g = Masks.global(List.of(Scores.magnitude(a), Scores.magnitude(b)), s);
            long pruned = 0;
            for (boolean[] x : g) for (boolean k : x) if (!k) pruned++;
            assertEquals(Math.round(s * 1333), pruned, "global at " + s);
        }
        // global magnitude prunes the small layer harder
        List<boolean[]> g = Masks.global(List.of(Scores.magnitude(a), Scores.magnitude(b)), 0.5);
        assertTrue(Masks.sparsity(g.get(0)) > Masks.sparsity(g.get(1)));
        // and the kept weights are the largest: every kept |w| >= every pruned |w|
        float minKept = Float.MAX_VALUE;
        float maxPruned = 0;
        boolean[] m = Masks.unstructured(Scores.magnitude(a), 0.7);
        for (int i = 0; i < a.length; i++) {
            if (m[i]) minKept = Math.min(minKept, Math.abs(a[i]));
            else maxPruned = Math.max(maxPruned, Math.abs(a[i]));
        }
        assertTrue(minKept >= maxPruned);
    }

    @Test
    void nmMasksSatisfyTheConstraintExactly() {
        Random r = new Random(9);
        int out = 7;
        int in = 24;
        float[] s = new float[out * in];
        for (int i = 0; i < s.length; i++) s[i] = r.nextFloat();
        for (int[] nm : new int[][] {{2, 4}, {4, 8}, {1, 4}}) {
            boolean[] keep = Masks.nm(s, out, in, nm[0], nm[1]);
            assertTrue(Masks.satisfiesNm(keep, out, in, nm[0], nm[1]));
            assertEquals(1 - (double) nm[0] / nm[1], Masks.sparsity(keep), 1e-12);
            // each group keeps exactly its n best
            for (int o = 0; o < out; o++) {
                for (int g = 0; g < in; g += nm[1]) {
                    float minKept = 2;
                    float maxPruned = -1;
                    for (int t = 0; t < nm[1]; t++) {
                        float v = s[o * in + g + t];
                        if (keep[o * in + g + t]) minKept = Math.min(minKept, v);
                        else maxPruned = Math.max(maxPruned, v);
                    }
                    assertTrue(minKept > maxPruned);
                }
            }
        }
        assertFalse(Masks.satisfiesNm(new boolean[] {true, true, true, false}, 1, 4, 2, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Masks.nm(s, out * in / 10, 10, 2, 4));
        assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());
    }

    @Test
    void perRowPrunesExactlyTheLayersShare() {
        Random r = new Random(2);
        int out = 7;
        int in = 10;
        float[] s = new float[out * in];
        for (int i = 0; i < s.length; i++) s[i] = r.nextFloat();
        for (double sp : new double[] {0, 0.05, 1.0 / 3, 0.5, 0.77, 0.99, 1}) {
            boolean[] keep = Masks.perRow(s, out, in, sp);
            long pruned = 0;
            for (boolean k : keep) if (!k) pruned++;
            assertEquals(Math.round(sp * out * in), pruned, "at " + sp);
            // rows differ by at most one, and each row prunes its lowest scores
            int lo = in;
            int hi = 0;
            for (int o = 0; o < out; o++) {
                int p = 0;
                float maxPruned = -1;
                float minKept = 2;
                for (int i = 0; i < in; i++) {
                    if (!keep[o * in + i]) {
                        p++;
                        maxPruned = Math.max(maxPruned, s[o * in + i]);
                    } else {
                        minKept = Math.min(minKept, s[o * in + i]);
                    }
                }
                lo = Math.min(lo, p);
                hi = Math.max(hi, p);
                assertTrue(maxPruned < minKept);
            }
            assertTrue(hi - lo <= 1, "at " + sp);
        }
    }

    @Test
    void orderFollowsFloatCompareWithTiesByIndex() {
        float[] s = {1f, -0f, 0f, Float.NaN, -3f, Float.NEGATIVE_INFINITY, 1f, Float.POSITIVE_INFINITY, -0f};
        assertArrayEquals(new int[] {5, 4, 1, 8, 2, 0, 6, 7, 3}, Masks.ascending(s, 0, s.length));
        assertArrayEquals(new int[] {1, 0}, Masks.ascending(s, 3, 2), "offset views");
    }

    @Test
    void selectionPicksTheSameSetAsTheSort() {
        Random r = new Random(8);
        for (int len : new int[] {1, 5, 17, 100, 1000, 5003}) {
            float[] s = new float[len];
            for (int i = 0; i < len; i++) s[i] = r.nextInt(len / 3 + 1) - len / 6; // many ties, negatives
            int[] sorted = Masks.ascending(s, 0, len);
            for (int k : new int[] {0, 1, len / 3, len / 2, len - 1, len}) {
                int[] got = Masks.lowest(s, 0, len, k);
                java.util.Arrays.sort(got);
                int[] want = java.util.Arrays.copyOf(sorted, k);
                java.util.Arrays.sort(want);
                assertArrayEquals(want, got, "len " + len + ", k " + k);
            }
        }
    }

    @Test
    void jaccardOfPrunedSets() {
        boolean[] a = {false, false, true, true};
        boolean[] b = {false, true, false, true};
        assertEquals(1.0 / 3, Masks.jaccardOfPruned(a, b), 1e-12);
        assertEquals(1.0, Masks.jaccardOfPruned(a, a), 0);
    }
}
