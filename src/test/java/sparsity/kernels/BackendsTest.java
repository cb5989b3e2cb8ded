package sparsity.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {

    @Test
    void bothCpuBackendsAreRegistered() {
        assertTrue(Backends.names().containsAll(java.util.List.of("reference", "vector")));
        try (Backend v = Backends.create("vector", 2); Backend r = Backends.create("reference", 8)) {
            assertEquals("vector", v.name());
            assertEquals(2, v.threads());
            assertEquals(1, r.threads());
        }
        assertThrows(IllegalArgumentException.class, () -> Backends.create("tpu", 1));
    }

    @Test
    void theCpuDefaultUsesEveryProcessorAndTheReferenceOneThread() {
        try (Backend cpu = Backends.cpu(); Backend ref = Backends.reference()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), cpu.threads());
            assertEquals("reference", ref.name());
        }
    }
}
