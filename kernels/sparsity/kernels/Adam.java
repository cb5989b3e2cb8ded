package sparsity.kernels;

/**
 * Adam hyper-parameters.
 *
 * @param lr    learning rate (> 0)
 * @param beta1 first-moment decay in [0, 1)
 * @param beta2 second-moment decay in [0, 1)
 * @param eps   denominator guard (> 0)
 */
public record Adam(float lr, float beta1, float beta2, float eps) {

    public Adam {
        if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("bad Adam parameters " + lr + ", " + beta1 + ", " + beta2 + ", " + eps);
        }
    }

    /** lr with the usual defaults beta1 0.9, beta2 0.999, eps 1e-8. */
    public static Adam of(float lr) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f);
    }
}
