package sparsity.views.stats;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javafx.application.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.RowSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The view-model without a window: eps re-runs the statistics in the background through the supplier. */
class ActivationStatsViewModelTest {

    @BeforeAll
    static void startFx() {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // another test class of this JVM started it
        }
    }

    static <T> T onFx(Supplier<T> s) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                out.set(s.get());
            } finally {
                done.countDown();
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS));
        return out.get();
    }

    static void await(ActivationStatsViewModel vm) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (onFx(() -> vm.runningProperty().get())) {
            assertTrue(System.nanoTime() < end, "statistics did not finish");
            Thread.sleep(20);
        }
    }

    @Test
    void changingEpsRecomputesInTheBackgroundFromTheSupplier() throws Exception {
        float[] data = StatsData.make();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> thread = new AtomicReference<>();
        Supplier<RowSource> rows = () -> {
            reads.incrementAndGet();
            thread.set(Thread.currentThread().getName());
            return RowSource.of(data, StatsData.DIM, 100);
        };
        ActivationStatsViewModel vm = onFx(() -> new ActivationStatsViewModel("h", rows, ActivationStats.Settings.defaults()));
        assertNull(vm.summary());
        onFx(vm::recompute);
        await(vm);
        assertEquals(1, reads.get());
        assertEquals("activation-stats", thread.get(), "read and computed off the FX thread");
        assertEquals(ActivationStatsViewModel.percent(StatsData.zeros(data)), onFx(() -> vm.zeroFractionTextProperty().get()));
        assertEquals(ActivationStatsViewModel.percent(StatsData.below(data, 1e-3)),
                onFx(() -> vm.nearZeroFractionTextProperty().get()));
        assertEquals("2 of 8", onFx(() -> vm.neverActiveTextProperty().get()));
        assertEquals(1, onFx(() -> vm.outliers().size()));
        assertEquals("1,000 rows x 8 dimensions, eps 0.001", onFx(() -> vm.statusProperty().get()));

        onFx(() -> {
            vm.epsProperty().set(1e-4);
            return null;
        });
        await(vm);
        assertEquals(2, reads.get(), "a new eps reads the rows again");
        assertEquals(1e-4, vm.summary().settings().eps());
        assertEquals(ActivationStatsViewModel.percent(StatsData.below(data, 1e-4)),
                onFx(() -> vm.nearZeroFractionTextProperty().get()));
        assertEquals("1 of 8", onFx(() -> vm.neverActiveTextProperty().get()), "dim 2 (5e-4) fires at eps 1e-4");
        onFx(() -> {
            vm.epsProperty().set(1e-4);
            return null;
        });
        assertFalse(onFx(() -> vm.runningProperty().get()), "the same eps does not re-run");
        assertEquals(2, reads.get());
        assertEquals(5, vm.reportItems("h", java.util.Map.of()).size());
    }

    @Test
    void aNaNFailsTheRunWithItsRowAndDimension() throws Exception {
        float[] data = StatsData.make();
        data[3 * StatsData.DIM + 5] = Float.NaN;
        ActivationStatsViewModel vm = onFx(() -> new ActivationStatsViewModel("h",
                () -> RowSource.of(data, StatsData.DIM, 64), ActivationStats.Settings.defaults()));
        onFx(vm::recompute);
        await(vm);
        assertNull(vm.summary());
        assertEquals("value NaN at row 3, dimension 5", onFx(() -> vm.errorProperty().get()));
        assertEquals("Statistics failed", onFx(() -> vm.statusProperty().get()));
    }

    @Test
    void aPrecomputedSummaryIsShownWithoutARun() throws Exception {
        float[] data = StatsData.make();
        var s = ActivationStats.compute(RowSource.of(data, StatsData.DIM, 64), new ActivationStats.Settings(0.01, 20, 5),
                sparsity.analysis.ProgressListener.NONE);
        AtomicInteger reads = new AtomicInteger();
        ActivationStatsViewModel vm = onFx(() -> new ActivationStatsViewModel("h", () -> {
            reads.incrementAndGet();
            return RowSource.of(data, StatsData.DIM, 64);
        }, ActivationStats.Settings.defaults()));
        onFx(() -> {
            vm.setSummary(s);
            return null;
        });
        assertEquals(0.01, onFx(() -> vm.epsProperty().get()));
        assertEquals(0, reads.get());
        assertEquals(20, vm.histogramTable().rowCount());
    }
}
