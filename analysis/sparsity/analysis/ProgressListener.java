package sparsity.analysis;

/**
 * How long-running work in the domain rooms reports progress. Plain Java, so that the rooms
 * below {@code views} never see JavaFX; {@code views}/{@code app} adapt it to a
 * {@code javafx.concurrent.Task}. Work also stops when its thread is interrupted.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param fraction done so far in [0, 1], or a negative number when unknown
     * @param message  a short line for the status bar
     */
    void update(double fraction, String message);

    /** A listener that ignores every update. */
    ProgressListener NONE = (fraction, message) -> { };
}
