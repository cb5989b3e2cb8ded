/**
 * The optional GPU backend: the CUDA driver API, cuBLAS and NVRTC called through Java's foreign
 * function API (no JNI code to build). {@link sparsity.kernels.cuda.Cuda#probe()} says whether a
 * GPU can be used here and never throws; {@link sparsity.kernels.cuda.CudaBackend} is the
 * {@code Backend} named "cuda"; {@link sparsity.kernels.cuda.CudaTopKSae} runs the whole TopK or
 * BatchTopK autoencoder training step on the device (the batch-wide top-k: a radix select,
 * {@code batch_topk.cu}). Kernels are CUDA C sources beside these classes
 * ({@code *.cu}, {@code common.cuh}), compiled at run time for the device found. Uses only the JDK.
 */
package sparsity.kernels.cuda;
