package sparsity.app.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sparsity.app.AppInfo;

/**
 * The root of {@code ./workbench COMMAND ...}: the same jobs the desktop app runs, headless.
 * Exit status: 0 success, 2 bad input (one line on stderr), 1 an internal error.
 */
@Command(name = "workbench", mixinStandardHelpOptions = true,
        versionProvider = WorkbenchCli.Version.class,
        description = "Sparsity Workbench: look inside ONNX models from the command line. "
                + "Run without a command to open the desktop app.",
        subcommands = {InspectCommand.class, CaptureCommand.class, StatsCommand.class, StoreCommand.class,
                AttentionCommand.class, SaeCommand.class, PruneCommand.class, ReportCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class WorkbenchCli {

    /** Exit status for bad input. */
    public static final int BAD_INPUT = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    /** Runs the command line and returns the exit status (does not call System.exit). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given streams (tests use this). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new WorkbenchCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("workbench: " + ex.getMessage());
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            if (ex instanceof UserInputException) {
                err.println("workbench: " + ex.getMessage());
                if (verbose) ex.printStackTrace(err);
                return BAD_INPUT;
            }
            err.println("workbench: internal error: " + ex);
            if (verbose) ex.printStackTrace(err);
            else err.println("(run with --verbose for the stack trace)");
            return 1;
        });
        return cl.execute(args);
    }

    /** Prints the app version. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Sparsity Workbench " + AppInfo.version()};
        }
    }
}
