/**
 * Background jobs: {@code javafx.concurrent.Task}s on daemon threads, adapting the domain rooms'
 * {@link sparsity.analysis.ProgressListener} to a task's progress and message; cancelling a job
 * interrupts its thread.
 */
package sparsity.app.jobs;
