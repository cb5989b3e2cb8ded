package sparsity.sae.train;

/**
 * Learning rate by step: linear warm-up from 0 over {@code warmupSteps}, constant, then a
 * linear decay to 0 over the last {@code decayFraction} of {@code totalSteps} (as SAELens'
 * "constant with warm-up and decay"). Steps count from 0.
 */
public record LearningRate(double peak, long warmupSteps, double decayFraction, long totalSteps) {

    public LearningRate {
        if (!(peak > 0)) throw new IllegalArgumentException("learning rate must be > 0, was " + peak);
        if (warmupSteps < 0 || totalSteps < 1) throw new IllegalArgumentException("steps must be positive");
        if (!(decayFraction >= 0 && decayFraction <= 1)) throw new IllegalArgumentException("decay fraction in [0, 1]");
    }

    public double at(long step) {
        double lr = peak;
        if (warmupSteps > 0 && step < warmupSteps) lr = peak * (step + 1) / warmupSteps;
        long decaySteps = Math.round(decayFraction * totalSteps);
        long decayStart = totalSteps - decaySteps;
        if (decaySteps > 0 && step >= decayStart) {
            lr = Math.min(lr, peak * Math.max(0, totalSteps - step) / (double) decaySteps);
        }
        return lr;
    }
}
