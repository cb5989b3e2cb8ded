package sparsity.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the CUDA shared libraries: first by plain name (the dynamic loader's search path), then in
 * the folders of {@code SPARSITY_CUDA_LIBS} (colon separated), the CUDA toolkit and PyTorch's
 * {@code nvidia-*} wheels. Never throws: a missing library is an empty result with the reason.
 */
final class NativeLibs {

    private NativeLibs() {
    }

    /** A loaded library, or why none of the names could be loaded. */
    record Found(SymbolLookup lookup, String path, String failure) {
        boolean ok() {
            return lookup != null;
        }
    }

    static Found load(String... names) {
        List<String> tried = new ArrayList<>();
        for (String n : names) {
            Optional<SymbolLookup> l = tryLoad(n);
            if (l.isPresent()) return new Found(l.get(), n, null);
            tried.add(n);
        }
        for (Path dir : searchDirs()) {
            for (String n : names) {
                Path p = dir.resolve(n);
                if (!Files.isRegularFile(p)) continue;
                Optional<SymbolLookup> l = tryLoad(p.toString());
                if (l.isPresent()) return new Found(l.get(), p.toString(), null);
                tried.add(p.toString());
            }
        }
        return new Found(null, null, String.join(", ", names) + " not found (tried the loader path, $SPARSITY_CUDA_LIBS, "
                + "/usr/local/cuda and PyTorch's nvidia packages)");
    }

    private static Optional<SymbolLookup> tryLoad(String name) {
        try {
            return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }

    static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("SPARSITY_CUDA_LIBS");
        if (env != null) for (String s : env.split(":")) if (!s.isBlank()) dirs.add(Path.of(s));
        for (String s : new String[] {"/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
                "/usr/local/cuda/lib", "/usr/lib/x86_64-linux-gnu", "/usr/local/nvidia/lib64", "/usr/lib64"}) {
            dirs.add(Path.of(s));
        }
        // pip wheels (nvidia-cublas, nvidia-cuda-nvrtc) beside a PyTorch install
        for (String root : new String[] {"/opt/torch/.venv/lib", "/usr/local/lib", "/usr/lib",
                System.getProperty("user.home") + "/.local/lib"}) {
            Path r = Path.of(root);
            if (!Files.isDirectory(r)) continue;
            try (Stream<Path> py = Files.list(r)) {
                py.filter(p -> p.getFileName().toString().startsWith("python3")).forEach(p -> {
                    for (String site : new String[] {"site-packages", "dist-packages"}) {
                        Path nv = p.resolve(site).resolve("nvidia");
                        if (!Files.isDirectory(nv)) continue;
                        try (Stream<Path> pk = Files.list(nv)) {
                            pk.forEach(q -> dirs.add(q.resolve("lib")));
                        } catch (Exception ignored) {
                            // unreadable folder: skip
                        }
                    }
                });
            } catch (Exception ignored) {
                // unreadable folder: skip
            }
        }
        return dirs;
    }
}
