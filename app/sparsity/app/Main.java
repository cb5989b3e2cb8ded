package sparsity.app;

import sparsity.app.cli.WorkbenchCli;

/**
 * Entry point of {@code ./workbench} and of the jar. With no arguments, {@code gui}, a model file
 * or {@code --screenshot FILE} it opens the desktop app; with a command it runs the command line
 * and exits with its status. Kept apart from the {@code Application} subclass so that JavaFX can
 * start from the class path.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (LaunchOptions.isForApp(args)) {
            String[] rest = args.length > 0 && args[0].equals("gui")
                    ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
            System.exit(WorkbenchApp.launchApp(rest));
        }
        System.exit(WorkbenchCli.run(args));
    }
}
