package sparsity.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cpu.VectorBackend;

/**
 * The k-sparse products of a TopK SAE step (batch 4096, k 32): decode X_hat = Z W_dec, the
 * decoder gradient (scatter-add of outer products into the active rows) and the latent gradient
 * (dot products with the active rows). Each is 2 * B * k * d flops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class SparseBenchmark {

    static final int BATCH = 4096;
    static final int K = 32;

    /** d:n. */
    @Param({"384:3072", "768:6144"})
    public String size;

    @Param({"1", "2"})
    public int threads;

    private MemoryScope scope;
    private Backend backend;
    private IntMatrix idx;
    private FloatMatrix val;
    private FloatMatrix w;
    private FloatMatrix x;
    private FloatMatrix dz;

    @Setup(Level.Trial)
    public void setUp() {
        int d = Integer.parseInt(size.split(":")[0]);
        int n = Integer.parseInt(size.split(":")[1]);
        scope = MemoryScope.open();
        backend = new VectorBackend(threads);
        Random rnd = new Random(3);
        idx = BenchData.indices(scope, BATCH, K, n, rnd);
        val = BenchData.random(scope, BATCH, K, rnd);
        w = BenchData.random(scope, n, d, rnd);
        x = BenchData.random(scope, BATCH, d, rnd);
        dz = scope.floats(BATCH, K);
    }

    @Benchmark
    public FloatMatrix decode() {
        backend.sparseDecode(idx, val, w, 0f, x);
        return x;
    }

    @Benchmark
    public FloatMatrix decoderGradient() {
        backend.sparseOuterAccumulate(idx, val, x, w);
        return w;
    }

    @Benchmark
    public FloatMatrix latentGradient() {
        backend.sparseRowDots(idx, x, w, dz);
        return dz;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        scope.close();
    }
}
