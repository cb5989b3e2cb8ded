/**
 * The input side of a capture: texts (one per line, or pasted) tokenized with the model's own
 * Hugging Face tokenizer.json ({@link sparsity.analysis.input.Tokenizers}: WordPiece and
 * byte-level BPE, special tokens, truncation, padding, attention mask), images by an
 * {@link sparsity.analysis.input.ImageSpec}, .npy arrays ({@link sparsity.analysis.input.Npy},
 * memory-mapped), and the plan of which model input gets what
 * ({@link sparsity.analysis.input.InputMapping}). Plain JDK code: no Jackson, no JavaFX.
 */
package sparsity.analysis.input;
