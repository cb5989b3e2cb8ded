/**
 * The glue between captures and the workspace, without JavaFX: a store as a workspace artifact
 * with its provenance ({@link sparsity.app.capture.StoreRecord}, {@link sparsity.app.capture.StoreArtifacts})
 * and the work of a capture job, a resumed one and a store probe ({@link sparsity.app.capture.CaptureWork}).
 */
package sparsity.app.capture;
