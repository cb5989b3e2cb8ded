/**
 * The app's own settings in the config folder ({@code -Dworkbench.config=DIR}, else
 * {@code ~/.config/sparsity-workbench}): the recent-models list, written with Jackson.
 */
package sparsity.app.settings;
