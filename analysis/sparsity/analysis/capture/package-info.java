/**
 * Capture of activations and attention maps: {@link sparsity.analysis.capture.Capture} runs a
 * model with chosen tensors exposed, batch by batch ({@link sparsity.analysis.capture.InputBatch}),
 * and writes an activation store; it plans sizes first, reports rows/s and ETA, stops on
 * interrupt and can resume an incomplete store.
 */
package sparsity.analysis.capture;
