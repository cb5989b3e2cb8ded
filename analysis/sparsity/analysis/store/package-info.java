/**
 * Activation stores: folders of memory-mapped float32/float16 values captured from a model, with
 * the provenance of every row, written in committed chunks ({@link sparsity.analysis.store.StoreWriter}),
 * read zero-copy ({@link sparsity.analysis.store.ActivationStore}) and streamed as seeded shuffled
 * batches ({@link sparsity.analysis.store.ShuffledBatches}).
 */
package sparsity.analysis.store;
