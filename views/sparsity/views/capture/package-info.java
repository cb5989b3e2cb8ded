/**
 * The capture dialog: {@link sparsity.views.capture.CaptureDialogViewModel} (tensors, inputs,
 * tokenizer, dtype, batch size, output folder; the input-mapping step runs in the background and
 * shows which model input gets what and the store's estimated size before a capture may start),
 * {@link sparsity.views.capture.CaptureDialogView} that binds to it, the FX-free
 * {@link sparsity.views.capture.CaptureSettings} kept in a store's provenance, and
 * {@link sparsity.views.capture.StoreView}, which shows a store's tensors (statistics, attention
 * atlas and heads).
 */
package sparsity.views.capture;
