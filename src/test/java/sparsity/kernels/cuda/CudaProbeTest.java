package sparsity.kernels.cuda;

import org.junit.jupiter.api.Test;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs everywhere: with or without a GPU, probing never throws and the registry agrees with it. */
class CudaProbeTest {

    @Test
    void probingNeverThrowsAndTheRegistryOffersCudaOnlyWhenAvailable() {
        Cuda.Availability a = Cuda.probe();
        System.out.println("CUDA: " + (a.available() ? a.summary() : "not available: " + a.reason()));
        assertEquals(a.available(), Backends.names().contains("cuda"));
        assertEquals(a.available(), Backends.names().contains("cuda-tf32"));
        assertEquals(a.available(), Backends.names().contains("cuda-bf16"));
        if (a.available()) {
            assertTrue(a.reason().isEmpty());
            assertFalse(a.summary().isEmpty());
            try (Backend b = Backends.create("cuda", 2)) {
                assertEquals("cuda", b.name());
            }
        } else {
            assertFalse(a.reason().isBlank(), "a stated reason");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("cuda", 1));
            assertTrue(e.getMessage().contains("not available here") && e.getMessage().contains(a.reason()), e.getMessage());
            CudaException c = assertThrows(CudaException.class, CudaDevice::get);
            assertTrue(c.getMessage().contains(a.reason()), c.getMessage());
        }
    }
}
