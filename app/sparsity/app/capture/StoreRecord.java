package sparsity.app.capture;

import java.nio.file.Path;
import java.util.Objects;

import sparsity.app.workspace.Provenance;

/**
 * A store the workspace lists.
 *
 * @param id         artifact id
 * @param name       shown in the sidebar
 * @param dir        the store folder (absolute)
 * @param provenance model source and sha256, the capture's settings, creation time
 * @param state      what the sidebar shows about it
 * @param examples   examples captured (committed), -1 when not known yet
 * @param tokens     token rows captured, -1 when not known yet
 * @param failure    why an incomplete capture stopped ("" when not known or complete)
 */
public record StoreRecord(String id, String name, Path dir, Provenance provenance, State state, int examples, long tokens,
                          String failure) {

    /** The state of a store. */
    public enum State {
        /** A capture or a resume is writing it. */
        RUNNING(" (capturing\u2026)"),
        COMPLETE(""),
        /** Cancelled or failed: can be resumed or deleted. */
        INCOMPLETE(" (incomplete)"),
        /** Not read yet (a workspace was just opened). */
        UNKNOWN(""),
        /** Its folder is gone. */
        MISSING("");

        private final String suffix;

        State(String suffix) {
            this.suffix = suffix;
        }
    }

    public StoreRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        dir = dir.toAbsolutePath().normalize();
        failure = failure == null ? "" : failure;
    }

    /** The sidebar's text, e.g. "minilm-layer0 (incomplete)". */
    public String label() {
        return name + state.suffix;
    }

    /** A line for the tooltip: the folder, the counts, why it stopped. */
    public String tooltip() {
        StringBuilder sb = new StringBuilder(dir.toString());
        if (examples >= 0) sb.append(String.format("%n%,d examples, %,d token rows", examples, tokens));
        if (state == State.INCOMPLETE) sb.append("\nincomplete").append(failure.isEmpty() ? " (cancelled)" : ": " + failure)
                .append("\nright-click: Resume or Delete");
        return sb.toString();
    }

    public StoreRecord withState(State s, int examples, long tokens, String failure) {
        return new StoreRecord(id, name, dir, provenance, s, examples, tokens, failure);
    }

    public StoreRecord withState(State s) {
        return new StoreRecord(id, name, dir, provenance, s, examples, tokens, failure);
    }
}
