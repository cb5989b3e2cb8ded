/**
 * The CPU backend: {@link sparsity.kernels.cpu.VectorBackend} and its kernels (packed gemm,
 * top-k, k-sparse products, row operations, blocked Cholesky and triangular solves, Adam) on
 * FloatVector.SPECIES_PREFERRED with masked tails, on a small pool of threads.
 */
package sparsity.kernels.cpu;
