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

/** Row-wise top-k (k = 32) and batch-wide top-k (4096 * 32 kept) over a 4096 x n batch. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class TopKBenchmark {

    static final int BATCH = 4096;
    static final int K = 32;

    @Param({"3072", "6144"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private MemoryScope scope;
    private Backend backend;
    private FloatMatrix x;
    private FloatMatrix values;
    private IntMatrix indices;
    private IntMatrix rowStart;
    private IntMatrix cols;
    private FloatMatrix vals;

    @Setup(Level.Trial)
    public void setUp() {
        scope = MemoryScope.open();
        backend = new VectorBackend(threads);
        x = BenchData.random(scope, BATCH, n, new Random(2));
        values = scope.floats(BATCH, K);
        indices = scope.ints(BATCH, K);
        rowStart = scope.ints(1, BATCH + 1);
        cols = scope.ints(1, BATCH * K);
        vals = scope.floats(1, BATCH * K);
    }

    @Benchmark
    public IntMatrix rowTopk() {
        backend.topkRows(x, values, indices);
        return indices;
    }

    @Benchmark
    public float batchTopk() {
        return backend.batchTopk(x, BATCH * K, rowStart, cols, vals);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        scope.close();
    }
}
