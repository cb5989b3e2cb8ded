package sparsity.kernels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.IntFunction;

import sparsity.kernels.cpu.VectorBackend;

/**
 * The registry of backends. The two CPU backends are always present; more (a GPU backend, say)
 * are found with {@link ServiceLoader} as implementations of {@link Provider} listed in
 * {@code META-INF/services/sparsity.kernels.Backends$Provider} on the class path.
 */
public final class Backends {

    /** Makes backends of one kind; found by ServiceLoader. */
    public interface Provider {
        /** The backend name, e.g. "gpu". */
        String name();

        /** False when this machine cannot run it (no device, no driver). */
        boolean available();

        /** A new backend using up to {@code threads} CPU threads. */
        Backend create(int threads);

        /** Why {@link #available()} is false, in words for the user ("" when it is available). */
        default String unavailableReason() {
            return available() ? "" : "not available on this machine";
        }
    }

    private Backends() {
    }

    /** Name to factory (threads to backend): "reference", "vector", then any ServiceLoader providers. */
    public static Map<String, IntFunction<Backend>> all() {
        Map<String, IntFunction<Backend>> m = new LinkedHashMap<>();
        m.put("reference", t -> new ReferenceBackend());
        m.put("vector", VectorBackend::new);
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.available() && !m.containsKey(p.name())) m.put(p.name(), p::create);
        }
        return m;
    }

    /** The names of the available backends. */
    public static List<String> names() {
        return new ArrayList<>(all().keySet());
    }

    /** A new backend by name; throws IllegalArgumentException for an unknown name. */
    public static Backend create(String name, int threads) {
        IntFunction<Backend> f = all().get(name);
        if (f == null) {
            for (Provider p : ServiceLoader.load(Provider.class)) {
                if (p.name().equals(name)) {
                    throw new IllegalArgumentException("the " + name + " backend is not available here: " + p.unavailableReason()
                            + "; available: " + names());
                }
            }
            throw new IllegalArgumentException("no backend \"" + name + "\"; available: " + names());
        }
        return f.apply(threads);
    }

    /** The fastest CPU backend on all available processors. */
    public static Backend cpu() {
        return new VectorBackend();
    }

    /** The scalar reference. */
    public static Backend reference() {
        return new ReferenceBackend();
    }
}
