/**
 * The compute layer: math on float buffers. Uses only the JDK (java.base, jdk.incubator.vector,
 * FFM): no ONNX, no JavaFX, no Jackson, and nothing from the other rooms.
 *
 * <ul>
 *   <li>Memory: {@link sparsity.kernels.MemoryScope} (an arena; AutoCloseable) allocates
 *       {@link sparsity.kernels.FloatMatrix} and {@link sparsity.kernels.IntMatrix}: row-major,
 *       explicit row stride, views (row ranges, blocks) and wrapping of existing segments such as
 *       a memory-mapped activation store, without copies.</li>
 *   <li>The seam: {@link sparsity.kernels.Backend}, every operation the autoencoders and pruning
 *       need; {@link sparsity.kernels.Backends} lists "reference" (scalar, double accumulation,
 *       the definition of right) and "vector" ({@code sparsity.kernels.cpu.VectorBackend}, Vector
 *       API on all cores, bitwise reproducible), plus any ServiceLoader provider (a GPU later).</li>
 *   <li>{@code sparsity.kernels.bench.KernelBench}: the plain benchmark behind
 *       {@code ./workbench bench kernels}.</li>
 * </ul>
 */
package sparsity.kernels;
