package sparsity.views.attention;

import java.util.List;

import org.junit.jupiter.api.Test;
import sparsity.attention.HeadAnalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class InductionProbesTest {

    @Test
    void findsTheRepeatedBlockSharedByEveryExample() {
        List<Integer> a = List.of(0, 5, 9, 2, 7, 1, 5, 9, 2, 7, 1);
        List<Integer> b = List.of(0, 3, 3, 8, 4, 6, 3, 3, 8, 4, 6);
        assertEquals(new HeadAnalysis.InductionLayout(1, 5), InductionProbes.detect(List.of(a, b)));
    }

    @Test
    void ordinaryTextAndShortOrMisplacedRepeatsGetNone() {
        assertNull(InductionProbes.detect(List.of(List.of("the", "cat", "sat", "on", "the", "mat", "and", "the", "cat", "sat"))));
        // a 4-token repeat in 40 tokens covers too little of the example
        List<Integer> shortRepeat = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) shortRepeat.add(100 + i);
        shortRepeat.addAll(List.of(1, 2, 3, 4, 1, 2, 3, 4));
        assertNull(InductionProbes.detect(List.of(shortRepeat)));
        // the second example repeats at another place
        List<Integer> a = List.of(0, 5, 9, 2, 7, 5, 9, 2, 7, 1);
        List<Integer> b = List.of(0, 1, 5, 9, 2, 7, 5, 9, 2, 7);
        assertNull(InductionProbes.detect(List.of(a, b)));
        assertNull(InductionProbes.detect(List.of()));
    }
}
