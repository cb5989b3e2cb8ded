package sparsity.kernels.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker pool: every index once, failures rethrown, nested and concurrent calls. */
class ParallelTest {

    @Test
    void everyIndexRunsOnceWhateverTheThreadsAndChunks() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (Parallel par = new Parallel(threads)) {
                for (int n : new int[] {0, 1, 7, 64, 1000, 4097}) {
                    for (int minChunk : new int[] {1, 16, 5000}) {
                        for (int rep = 0; rep < 20; rep++) {
                            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, n));
                            AtomicInteger badSlot = new AtomicInteger();
                            par.forRange(n, minChunk, (slot, from, to) -> {
                                if (slot < 0 || slot >= threads) badSlot.incrementAndGet();
                                for (int i = from; i < to; i++) seen.incrementAndGet(i);
                            });
                            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), threads + " threads, n " + n + ", index " + i);
                            assertEquals(0, badSlot.get());
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFailureInAChunkIsRethrownAndThePoolStaysUsable() {
        try (Parallel par = new Parallel(3)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException got = assertThrows(IllegalStateException.class, () -> par.forRange(1000, 1, (slot, from, to) -> {
                if (from <= 500 && 500 < to) throw boom;
            }));
            assertSame(boom, got);
            AtomicInteger sum = new AtomicInteger();
            par.forRange(1000, 1, (slot, from, to) -> sum.addAndGet(to - from));
            assertEquals(1000, sum.get());
        }
    }

    @Test
    void nestedAndConcurrentCallsRunAndGiveEveryIndex() throws Exception {
        try (Parallel par = new Parallel(2)) {
            AtomicInteger inner = new AtomicInteger();
            AtomicInteger outer = new AtomicInteger();
            par.forRange(64, 1, (slot, from, to) -> {
                outer.incrementAndGet();
                par.forRange(10, 1, (s2, f2, t2) -> inner.addAndGet(t2 - f2));
            });
            assertTrue(outer.get() > 1);
            assertEquals(10 * outer.get(), inner.get());
            int callers = 4;
            AtomicInteger total = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] ts = new Thread[callers];
            for (int c = 0; c < callers; c++) {
                ts[c] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int rep = 0; rep < 200; rep++) par.forRange(1000, 1, (slot, from, to) -> total.addAndGet(to - from));
                });
                ts[c].start();
            }
            go.countDown();
            for (Thread t : ts) t.join(60_000);
            assertEquals(callers * 200 * 1000, total.get());
        }
    }

    @Test
    void afterCloseCallsRunOnTheCaller() {
        Parallel par = new Parallel(4);
        par.close();
        AtomicInteger sum = new AtomicInteger();
        par.forRange(100, 1, (slot, from, to) -> {
            assertEquals(0, slot);
            sum.addAndGet(to - from);
        });
        assertEquals(100, sum.get());
    }
}
