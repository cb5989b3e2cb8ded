package sparsity.app.ui;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javafx.concurrent.Task;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.app.jobs.JobManager;
import sparsity.app.jobs.ProgressTask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Background jobs in the status bar: shown while running, with progress; Cancel stops them; failures show. */
class JobsUiTest extends MainWindowUiTest {

    @Test
    void aRunningJobIsListedWithProgressAndCancelInterruptsIt(FxRobot robot) throws Exception {
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        ProgressTask<Integer> task = ProgressTask.of("Count sheep", progress -> {
            thread.set(Thread.currentThread().getName());
            try {
                for (int i = 0; ; i++) {
                    progress.update(i < 50 ? i / 100.0 : 0.5, "sheep " + i);
                    if (i == 50) halfway.countDown();
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        JobManager.Job[] job = new JobManager.Job[1];
        WaitForAsyncUtils.asyncFx(() -> job[0] = window.jobs().submit("Count sheep", task)).get();
        assertTrue(halfway.await(30, TimeUnit.SECONDS));
        WaitForAsyncUtils.waitForFxEvents();

        Node row = robot.lookup("#jobsPane .job-row").query();
        assertEquals("Count sheep", robot.from(row).lookup(".job-name").queryAs(Label.class).getText());
        UiFixtures.waitUntil(10, () -> robot.from(row).lookup(".job-progress").queryAs(ProgressBar.class).getProgress() == 0.5);
        UiFixtures.waitUntil(10, () -> robot.from(row).lookup(".job-message").queryAs(Label.class).getText().startsWith("sheep "));
        assertTrue(thread.get().startsWith("workbench-job-"), thread.get());

        robot.clickOn(robot.from(row).lookup(".job-cancel").queryButton());
        assertTrue(interrupted.await(30, TimeUnit.SECONDS), "Cancel interrupts the job's thread");
        UiFixtures.waitUntil(10, () -> robot.lookup("#jobsPane .job-row").queryAll().isEmpty());
        assertTrue(task.isCancelled());
        assertEquals("Count sheep: cancelled", robot.lookup("#statusMessage").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#errorMessage").tryQuery().isEmpty(), "a cancelled job is no error");
    }

    @Test
    void aFailingJobShowsItsMessageAndLeavesTheList(FxRobot robot) throws Exception {
        Task<Void> task = ProgressTask.of("Doomed", progress -> {
            progress.update(0.3, "about to fail");
            throw new IllegalStateException("the disk is full");
        });
        WaitForAsyncUtils.asyncFx(() -> window.jobs().submit("Doomed", task)).get();
        UiFixtures.waitUntil(30, () -> robot.lookup("#errorMessage").tryQuery().isPresent());
        assertEquals("the disk is full", robot.lookup("#errorMessage").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#jobsPane .job-row").queryAll().isEmpty());
        assertEquals(0, window.jobs().running().size());
    }
}
