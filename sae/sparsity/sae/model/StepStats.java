package sparsity.sae.model;

/**
 * What one training step measured on its batch.
 *
 * @param loss     total loss (normalized MSE + alpha x AuxK)
 * @param nmse     main loss: mean squared error x the fixed scale set at init
 * @param fvu      fraction of variance unexplained on this batch: sum |x - x_hat|^2 / sum |x - mean|^2
 * @param l0       mean number of active latents per row
 * @param auxLoss  alpha x AuxK loss (0 when no latent is dead)
 * @param dead     latents dead after this step
 */
public record StepStats(double loss, double nmse, double fvu, double l0, double auxLoss, int dead) {
}
