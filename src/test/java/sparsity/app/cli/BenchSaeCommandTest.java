package sparsity.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code bench sae} on a tiny shape: the phase table, and the ratio against a stand-in peer. */
class BenchSaeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void printsThePhasesOfOurStepWithoutAPeer() {
        InspectCommandTest.Run r = InspectCommandTest.cli("bench", "sae", "--d", "16", "--n", "64", "--k", "4", "--batch", "64",
                "--steps", "2", "--rounds", "1", "--threads", "1", "--no-peer", "--no-guard");
        assertEquals(0, r.status(), r.err());
        for (String s : new String[] {"TopK d=16 n=64 k=4 batch 64, 1 threads", "peer: not run", "encoder product", "top-k",
                "sparse decode", "backward", "optimizer", "ours:"}) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }

    @Test
    void comparesWithThePeerItRuns() throws Exception {
        assumeTrue(pythonWithNumpy(), "python3 with numpy");
        // a stand-in for topk_sae.py bench: the peer's output format with fixed times
        Path peer = Files.writeString(tmp.resolve("fake_peer.py"), """
                import sys
                assert sys.argv[1] == "bench" and "--d" in sys.argv and sys.argv[sys.argv.index("--d") + 1] == "16"
                assert "--no-guard" in sys.argv
                print("d=16 n=64 k=4 B=64 threads=1 topk=groupmax decode=gather wgrad=padded kernel=X (steps ok=2 rejected=1)")
                for name, ms in [("enc_gemm", 400.0), ("topk", 100.0), ("decoder", 100.0), ("backward", 200.0),
                                 ("auxk", 0.0), ("optimizer", 200.0), ("step", 1000.0)]:
                    print(f"  {name:10s} {ms:8.2f} ms  ({100 * ms / 1000:5.1f}%)")
                print("  tokens/s 64")
                """);
        InspectCommandTest.Run r = InspectCommandTest.cli("bench", "sae", "--d", "16", "--n", "64", "--k", "4", "--batch", "64",
                "--steps", "2", "--rounds", "1", "--threads", "1", "--peer", peer.toString(), "--guard", "none");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("peer: 64 tokens/s (1000.0 ms/step)"), r.out());
        assertTrue(r.out().matches("(?s).*encoder product\\s+[0-9.]+\\s+[0-9.]+\\s+400\\.00\\s+40\\.0.*"), r.out());
        assertTrue(r.out().contains("ratio of tokens/s, ours / peer:"), r.out());
    }

    @Test
    void rejectsKAboveTheLatents() {
        InspectCommandTest.Run r = InspectCommandTest.cli("bench", "sae", "--d", "16", "--n", "8", "--k", "9", "--no-peer");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.err().contains("k <= n"), r.err());
    }

    static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
