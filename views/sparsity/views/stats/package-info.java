/**
 * The activation statistics view of one captured tensor:
 * {@link sparsity.views.stats.ActivationStatsViewModel} (eps re-runs the statistics in an
 * {@link sparsity.views.stats.ActivationStatsTask}), {@link sparsity.views.stats.ActivationStatsView}
 * that binds to it, and {@link sparsity.views.stats.ActivationStatsReport}, the same charts and
 * tables as report items for the headless CLI.
 */
package sparsity.views.stats;
