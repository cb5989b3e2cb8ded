package sparsity.kernels;

/**
 * A tensor trained by Adam with its state: the parameter and its first and second moments, all
 * the same shape.
 */
public record AdamTensor(FloatMatrix param, FloatMatrix m, FloatMatrix v) {

    public AdamTensor {
        Checks.sameShape(param, m, "m");
        Checks.sameShape(param, v, "v");
    }
}
