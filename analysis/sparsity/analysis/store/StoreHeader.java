package sparsity.analysis.store;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Provenance of a store: where its values came from.
 *
 * @param modelFile   the model file that was run
 * @param modelSha256 hex sha256 of that file ("" for values imported from elsewhere)
 * @param dtype       how values are kept on disk
 * @param source      a line on the inputs (e.g. "corpus/sentences.txt, 1,000 lines, max 128 tokens")
 * @param created     ISO-8601 instant of the capture's start
 */
public record StoreHeader(Path modelFile, String modelSha256, DType dtype, String source, String created) {

    public StoreHeader {
        if (modelFile == null) throw new IllegalArgumentException("a store needs the file its values came from");
        modelSha256 = modelSha256 == null ? "" : modelSha256;
        source = source == null ? "" : source.replaceAll("[\\r\\n]+", " ");
        created = created == null || created.isBlank() ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString() : created;
    }

    /** A header stamped now. */
    public static StoreHeader of(Path modelFile, String modelSha256, DType dtype, String source) {
        return new StoreHeader(modelFile.toAbsolutePath(), modelSha256, dtype, source, null);
    }
}
