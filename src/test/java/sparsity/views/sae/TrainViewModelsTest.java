package sparsity.views.sae;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import sparsity.sae.model.StepStats;
import sparsity.sae.train.TrainingRun;
import sparsity.views.charts.Histogram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train dialog's and the training view's view-models, without a window. */
class TrainViewModelsTest {

    static TrainDialogViewModel dialog() {
        return new TrainDialogViewModel(Path.of("/data/minilm-l3"), List.of("/layer.3/out", "/layer.4/out"), 60_000, Path.of("/out"));
    }

    @Test
    void theBackendChoiceOffersTheGpuOnlyWhenGivenAndReachesEveryRun() {
        assertEquals(List.of("vector"), dialog().backends(), "no GPU offered unless the app found one");
        assertEquals("vector", dialog().runs().get(0).backend());
        TrainDialogViewModel vm = new TrainDialogViewModel(Path.of("/data/minilm-l3"), List.of("/layer.3/out"), 60_000,
                Path.of("/out"), List.of("vector", "cuda", "cuda-tf32"));
        assertEquals("vector", vm.backend().get(), "the CPU stays the default");
        vm.backend().set("cuda-tf32");
        vm.k().set("16,32");
        assertTrue(vm.runs().stream().allMatch(r -> r.backend().equals("cuda-tf32")));
        assertEquals("GPU, TF32 encoder product (cuda-tf32)", TrainDialogViewModel.describeBackend("cuda-tf32"));
        TrainDialogViewModel named = new TrainDialogViewModel(Path.of("/data/minilm-l3"), List.of("/layer.3/out"), 60_000,
                Path.of("/out"), List.of("vector", "cuda"), "NVIDIA H100 80GB HBM3");
        assertEquals("GPU NVIDIA H100 80GB HBM3, fp32 (cuda)", named.describe("cuda"));
        assertEquals("CPU (vector)", named.describe("vector"));
    }

    @Test
    void aSweepQueuesEveryCombinationOfKAndLatentsEachInItsOwnFolder() {
        TrainDialogViewModel vm = dialog();
        assertEquals("1000000", vm.tokens().get(), "10 epochs of 60,000 rows, at least 1M tokens");
        vm.k().set("16, 32 64");
        vm.latents().set("1536,3072");
        List<TrainingRun.Settings> runs = vm.runs();
        assertEquals(6, runs.size());
        assertEquals("Queue 6 runs", vm.actionText());
        assertEquals(List.of(16, 16, 32, 32, 64, 64), runs.stream().map(TrainingRun.Settings::k).toList());
        assertEquals(List.of(1536, 3072, 1536, 3072, 1536, 3072), runs.stream().map(TrainingRun.Settings::latents).toList());
        assertEquals(6, runs.stream().map(TrainingRun.Settings::out).distinct().count());
        assertTrue(runs.get(0).out().getFileName().toString().startsWith("minilm-l3-topk-k16-n1536-"), runs.get(0).out().toString());
        assertTrue(runs.stream().allMatch(r -> r.out().getParent().equals(Path.of("/out"))));
        assertEquals("/layer.3/out", runs.get(0).tensor());
    }

    @Test
    void reluSweepsItsL1CoefficientAndIgnoresK() {
        TrainDialogViewModel vm = dialog();
        vm.architecture().set("relu");
        vm.k().set("not used");
        vm.l1().set("1,3");
        List<TrainingRun.Settings> runs = vm.runs();
        assertEquals(List.of(1.0, 3.0), runs.stream().map(TrainingRun.Settings::l1).toList());
        assertTrue(runs.get(1).out().getFileName().toString().startsWith("minilm-l3-relu-l1_3-x8-"));
    }

    @Test
    void badFieldsAreNamedInWords() {
        TrainDialogViewModel vm = dialog();
        vm.k().set("32,x");
        assertEquals("k: 'x' is not a whole number", assertThrows(IllegalArgumentException.class, vm::runs).getMessage());
        vm.k().set("32");
        vm.lr().set("fast");
        assertEquals("learning rate: 'fast' is not a number", assertThrows(IllegalArgumentException.class, vm::runs).getMessage());
        vm.lr().set("4e-4");
        vm.decay().set("1.5");
        assertEquals("decay share must be between 0 and 1", assertThrows(IllegalArgumentException.class, vm::runs).getMessage());
        vm.decay().set("0");
        vm.latents().set("16");
        vm.k().set("32");
        assertEquals("k = 32 is larger than 16 latents", assertThrows(IllegalArgumentException.class, vm::runs).getMessage());
    }

    @Test
    void eventsFromTheTrainingThreadReachTheCurvesInOneDrain() throws Exception {
        TrainingViewModel vm = new TrainingViewModel("run", Map.of("architecture", "topk", "k", "4"));
        TrainingRun.Observer o = vm.observer();
        Thread t = new Thread(() -> {
            o.started(new TrainingRun.Start("topk", "x", 8, 10, 1000, 50, 4, 0, 1f, "vector", 2));
            for (int s = 0; s < 4; s++) o.step(s, (s + 1) * 100L, new StepStats(1.0 / (s + 1), 0.5, 0.4 - 0.1 * s, 4, 0.01, s), 1e-3);
            // latent 0 fired on every row, 1 on 1%, 2 on none (dead), the rest on 10%
            double[] density = {1.0, 0.01, 0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
            long[] since = {0, 20, 400, 0, 0, 0, 0, 0, 0, 0};
            o.latents(new TrainingRun.LatentSnapshot(3, 400, since, 300, density, 400));
        });
        t.start();
        t.join();
        assertEquals(0, vm.stepCount(), "nothing is applied before the FX thread drains");
        assertTrue(vm.drain());
        assertFalse(vm.drain(), "a second drain has nothing new");
        assertEquals(4, vm.stepCount());
        assertEquals(TrainingViewModel.State.RUNNING, vm.state().get());
        assertEquals(4, vm.fvuData().getSeries(0).getItemCount());
        assertEquals(0.1, vm.fvuData().getSeries(0).getY(3).doubleValue(), 1e-12);
        assertEquals(400.0, vm.fvuData().getSeries(0).getX(3).doubleValue());
        assertEquals(0.3, vm.deadData().getSeries(0).getY(3).doubleValue(), 1e-12, "3 dead of 10 latents");
        assertEquals(1.0, vm.progress().get(), 1e-12);
        assertEquals(1, vm.latents().get().dead());
        assertEquals(1, vm.latents().get().dense(), "only latent 0 is above 10%");
        Histogram h = vm.density().get();
        // log10 densities 0, -2 and -1 (x7), in bins of 0.2 over [-8, 0]; density 0 is left out
        assertEquals(9, h.total(), 1e-12);
        assertEquals(1, h.counts()[39], 1e-12);
        assertEquals(1, h.counts()[30], 1e-12);
        assertEquals(7, h.counts()[35], 1e-12);
        assertEquals(4, vm.curvesTable().rows().size());
        assertEquals(10, vm.strip().rows().size());
        assertEquals(List.of("2", "400", "yes", "0.00000"), vm.strip().rows().get(2));
    }
}
