/**
 * ONNX models and what is computed on them: reading and checking models, graph surgery,
 * capture of activations and attention maps, activation stores, activation statistics,
 * pruning, sweeps and evaluation. May use {@code sparsity.kernels}, ONNX Runtime and the ONNX
 * protobuf classes. Never imports JavaFX, Jackson, or the rooms above it ({@code sae},
 * {@code attention}, {@code views}, {@code app}). Long work reports through a plain
 * {@link sparsity.analysis.ProgressListener} and stops when its thread is interrupted.
 */
package sparsity.analysis;
