package sparsity.app.workspace;

import java.util.Map;

/**
 * Where an artifact came from.
 *
 * @param source     the source file (absolute path), or {@code sample:ID} for a bundled sample, or
 *                   the artifact this one was made from
 * @param sha256     hex sha256 of the source file, when known
 * @param settings   the settings it was made with (method, k, seed, ...)
 * @param createdAt  ISO-8601 instant
 * @param appVersion version of the app that made it
 */
public record Provenance(String source, String sha256, Map<String, String> settings, String createdAt,
                         String appVersion) {

    public Provenance {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }
}
