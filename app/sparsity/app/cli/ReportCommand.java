package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.app.report.WorkspaceReport;
import sparsity.app.workspace.LoadedWorkspace;
import sparsity.app.workspace.WorkspaceException;
import sparsity.app.workspace.Workspaces;
import sparsity.views.report.ReportItem;
import sparsity.views.report.ReportWriter;

/** {@code ./workbench report WORKSPACE --out DIR}: File &gt; Export report, headless. */
@Command(name = "report", description = "Write every chart (PNG) and table (CSV) of a workspace, with an index.html.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORKSPACE", description = "A workspace folder (holding workspace.json).")
    Path workspace;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the report into.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        LoadedWorkspace ws;
        try {
            ws = Workspaces.open(workspace);
        } catch (WorkspaceException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        List<String> warnings = new ArrayList<>(ws.warnings());
        List<ReportItem> items = WorkspaceReport.items(ws, warnings, ProgressListener.NONE);
        for (String w : warnings) err.println("workbench: warning: " + w);
        Path index;
        try {
            index = ReportWriter.write("Sparsity Workbench report: " + workspace.toAbsolutePath().normalize().getFileName(),
                    items, out);
        } catch (IOException e) {
            throw new UserInputException("cannot write the report to " + out + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().printf("wrote %d charts and tables to %s%n", items.size(), index);
        return 0;
    }
}
