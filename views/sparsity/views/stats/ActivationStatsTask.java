package sparsity.views.stats;

import java.util.Objects;
import java.util.function.Supplier;

import javafx.concurrent.Task;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.ActivationSummary;
import sparsity.analysis.stats.RowSource;

/**
 * Computes the statistics of one tensor off the JavaFX thread: two streaming passes over the
 * rows that {@code rows} supplies (an activation store, an array in memory), with progress and
 * messages; cancelling interrupts the passes. A NaN or Inf fails the task with
 * {@link ActivationStats.NonFiniteValueException}, naming its row and dimension.
 */
public class ActivationStatsTask extends Task<ActivationSummary> {

    private final Supplier<RowSource> rows;
    private final ActivationStats.Settings settings;

    public ActivationStatsTask(String tensorName, Supplier<RowSource> rows, ActivationStats.Settings settings) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.settings = Objects.requireNonNull(settings, "settings");
        updateTitle("Statistics of " + tensorName);
    }

    public ActivationStats.Settings settings() {
        return settings;
    }

    @Override
    protected ActivationSummary call() throws Exception {
        return ActivationStats.compute(rows.get(), settings, (fraction, message) -> {
            if (fraction >= 0) updateProgress(fraction, 1.0);
            updateMessage(message);
        });
    }
}
