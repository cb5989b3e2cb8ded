/**
 * The shell: the JavaFX Application, menus, the workspace (its file layout and JSON, the only
 * place that touches Jackson), background jobs, and the command line ({@code ./workbench}).
 * May use every other room.
 */
package sparsity.app;
