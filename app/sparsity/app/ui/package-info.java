/**
 * The main window: menus, the workspace sidebar, one tab per open model (the views room's
 * {@code ModelView}), error notifications and the status bar with background jobs; the glue from
 * the window to model loading, workspaces, reports and captures (the capture dialog, capture jobs,
 * stores in the sidebar and their tabs). Long work runs as jobs
 * ({@link sparsity.app.jobs.JobManager}), never on the FX thread.
 */
package sparsity.app.ui;
