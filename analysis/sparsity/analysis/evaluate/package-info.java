/**
 * Task metrics of a changed model (pruned weights, thresholded activations) against the dense
 * one: the changed model's bytes run under ONNX Runtime on evaluation inputs, its outputs
 * compared with the dense outputs computed once ({@link sparsity.analysis.evaluate.Evaluator}).
 * Accuracy with labels, cosine of the output (mean-pooled over real tokens for per-token
 * outputs), KL and top-1 agreement of logits or probabilities.
 */
package sparsity.analysis.evaluate;
