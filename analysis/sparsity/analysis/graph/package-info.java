/**
 * Graph surgery on ONNX models: expose intermediate tensors as outputs, cut a model into the tail
 * that runs from a tensor onward (splice), find the attention maps of a transformer, pick tensors
 * by name, glob or regular expression, and run edited models with ONNX Runtime.
 */
package sparsity.analysis.graph;
