package sparsity.sae.bench;

import org.junit.jupiter.api.Test;
import sparsity.sae.model.StepTimer.Phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SaeBenchTest {

    /** The peer's own output (topk_sae.py bench), as printed on this machine. */
    static final String PEER = """
            d=384 n=3072 k=32 B=4096 threads=2 topk=groupmax decode=gather wgrad=padded kernel=SkylakeX (steps ok=7 rejected=2)
              enc_gemm      26.89 ms  ( 33.6%)
              topk          11.59 ms  ( 14.5%)
              decoder       10.98 ms  ( 13.7%)
              backward      27.15 ms  ( 33.9%)
              auxk           0.19 ms  (  0.2%)
              optimizer      3.65 ms  (  4.6%)
              step          80.09 ms  (100.0%)
              tokens/s 51143   useful GFLOP/step 9.97  achieved 124.4 GFLOP/s   enc GEMM 359.4 GFLOP/s
            """;

    @Test
    void readsThePeersMedians() throws Exception {
        SaeBench.Times t = SaeBench.parsePeer(PEER);
        assertEquals(0.08009, t.step(), 1e-9);
        assertEquals(0.02689, t.phases().get(Phase.ENCODER), 1e-9);
        assertEquals(0.01159, t.phases().get(Phase.TOPK), 1e-9);
        assertEquals(0.01098, t.phases().get(Phase.DECODE), 1e-9);
        assertEquals(0.02715, t.phases().get(Phase.BACKWARD), 1e-9);
        assertEquals(0.00019, t.phases().get(Phase.AUXK), 1e-9);
        assertEquals(0.00365, t.phases().get(Phase.OPTIMIZER), 1e-9);
        assertEquals(7, t.accepted());
        assertEquals(2, t.rejected());
        assertEquals(4096 / 0.08009, t.tokensPerSecond(4096), 1e-6);
    }

    @Test
    void outputWithoutTheStepIsAnError() {
        assertThrows(java.io.IOException.class, () -> SaeBench.parsePeer("Traceback (most recent call last): ..."));
    }
}
