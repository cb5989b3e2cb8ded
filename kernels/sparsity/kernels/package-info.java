/**
 * The compute layer: math on float buffers. Off-heap matrices on FFM memory segments, one
 * backend seam ({@code Backend}) with a scalar reference, a Vector API backend and (later) a GPU
 * backend. Uses only the JDK (java.base, jdk.incubator.vector, FFM): no ONNX, no JavaFX, no
 * Jackson, and nothing from the other rooms.
 */
package sparsity.kernels;
