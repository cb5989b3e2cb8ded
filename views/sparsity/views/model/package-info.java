/**
 * The model view: {@link sparsity.views.model.ModelViewModel} (plain JavaFX properties built from
 * a {@code ModelSummary}), {@link sparsity.views.model.ModelView} that binds to it,
 * {@link sparsity.views.model.ModelLoadTask} that reads a model off the JavaFX thread, and
 * {@link sparsity.views.model.ModelReport}, the same tables and charts as report items.
 */
package sparsity.views.model;
