/**
 * Views of sparse autoencoders: the train dialog (one run or a queued sweep), the live training
 * view (loss, FVU, L0, AuxK and dead-fraction curves, the dead-latent strip, the feature-density
 * histogram), and the comparison of finished runs (table and L0-vs-FVU chart). The training
 * itself runs in {@code sparsity.sae.train.TrainingRun} off the FX thread; view-models take its
 * events from any thread and apply them on the FX thread in batches.
 */
package sparsity.views.sae;
