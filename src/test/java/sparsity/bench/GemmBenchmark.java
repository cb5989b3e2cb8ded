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
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cpu.VectorBackend;

/**
 * sgemm at the autoencoder shapes, M x K x N with op: NN the encoder product X W, NT and TN the
 * backward-pass transposes (dX = dH W^T, dW = X^T dH). GFLOP/s = 2 M K N / time (BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class GemmBenchmark {

    @Param({"4096x384x3072:NN", "4096x768x6144:NN", "4096x3072x384:NT", "384x4096x3072:TN",
            "4096x6144x768:NT", "768x4096x6144:TN"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private MemoryScope scope;
    private Backend backend;
    private FloatMatrix a;
    private FloatMatrix b;
    private FloatMatrix c;
    private boolean ta;
    private boolean tb;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("[x:]");
        int m = Integer.parseInt(parts[0]), k = Integer.parseInt(parts[1]), n = Integer.parseInt(parts[2]);
        ta = parts[3].charAt(0) == 'T';
        tb = parts[3].charAt(1) == 'T';
        scope = MemoryScope.open();
        backend = new VectorBackend(threads);
        Random rnd = new Random(1);
        a = BenchData.random(scope, ta ? k : m, ta ? m : k, rnd);
        b = BenchData.random(scope, tb ? n : k, tb ? k : n, rnd);
        c = scope.floats(m, n);
    }

    @Benchmark
    public FloatMatrix gemm() {
        backend.gemm(ta, tb, 1f, a, b, 0f, c);
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        scope.close();
    }
}
