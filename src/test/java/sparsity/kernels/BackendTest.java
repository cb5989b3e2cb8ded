package sparsity.kernels;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test run once per Vector API backend of {@link TestSupport#VECTOR}, with parameters
 * (String name, Backend backend); the shared backends are not closed between runs.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}", autoCloseArguments = false)
@MethodSource("sparsity.kernels.TestSupport#vectorBackends")
@interface BackendTest {
}
