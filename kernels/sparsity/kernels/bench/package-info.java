/** Plain (non-JMH) benchmarks of the compute layer that any user can run on their machine. */
package sparsity.kernels.bench;
