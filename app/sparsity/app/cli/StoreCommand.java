package sparsity.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoreTransfer;
import sparsity.analysis.store.StoredTensor;

/** {@code ./workbench store import|export|info|delete}: activations in and out of stores. */
@Command(name = "store", description = "Move activations in and out of stores.",
        subcommands = {StoreCommand.Import.class, StoreCommand.Export.class, StoreCommand.Info.class, StoreCommand.Delete.class})
final class StoreCommand {

    @Command(name = "import", description = "Turn a [rows, d] float32/float16 .npy array into a store.")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "X.npy")
        Path npy;

        @Option(names = "--out", required = true, paramLabel = "STORE")
        Path out;

        @Option(names = "--tensor", defaultValue = "activations", description = "Name of the tensor in the store (default ${DEFAULT-VALUE}).")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                StoreTransfer.importNpy(npy, out, name, ProgressListener.NONE);
                try (ActivationStore s = ActivationStore.open(out)) {
                    StoredTensor t = s.first();
                    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s, %,d rows of %d (%s)%n", out, t.name(), t.rows(),
                            t.dim(), t.dtype().id());
                }
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(name = "export", description = "Write one tensor of a store as .npy: activations [rows, d]; attention maps "
            + "[examples, heads, query, key] zero-padded to the longest example.")
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "STORE")
        Path store;

        @Option(names = "--tensor", paramLabel = "NAME", description = "The capture point (default: the first).")
        String tensor;

        @Option(names = "--out", required = true, paramLabel = "X.npy")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (ActivationStore s = ActivationStore.open(store)) {
                StoredTensor t = tensor == null ? s.first() : s.tensor(tensor).orElseThrow(() -> new UserInputException(
                        store + " holds no tensor '" + tensor + "'"));
                StoreTransfer.exportNpy(t, out, ProgressListener.NONE);
                spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s from %s%n", out, t.name());
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(name = "info", description = "What a store holds and where it came from.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "STORE")
        Path store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var out = spec.commandLine().getOut();
            try (ActivationStore s = ActivationStore.open(store)) {
                out.printf(Locale.ROOT, "store    %s%n", store);
                out.printf(Locale.ROOT, "status   %s%n", s.isComplete() ? "complete"
                        : "incomplete" + s.failure().map(f -> " (" + f + ")").orElse(" (resume it from the app, or delete it)"));
                out.printf(Locale.ROOT, "model    %s  sha256 %s%n", s.header().modelFile(), s.header().modelSha256());
                out.printf(Locale.ROOT, "inputs   %s%n", s.header().source());
                out.printf(Locale.ROOT, "created  %s%n", s.header().created());
                out.printf(Locale.ROOT, "rows     %,d examples, %,d tokens, %,d bytes on disk%n", s.examples(), s.tokens(), s.sizeOnDisk());
                for (StoredTensor t : s.tensors()) {
                    out.printf(Locale.ROOT, "tensor   %-60s %s %s, %,d rows of %d%n", t.name(), t.isAttention() ? "maps" : "rows",
                            t.dtype().id(), t.rows(), t.dim());
                }
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a store folder (complete or not).")
    static final class Delete implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "STORE")
        Path store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!ActivationStore.isStore(store)) throw new UserInputException(store + " is not an activation store; nothing deleted");
            try {
                ActivationStore.delete(store);
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            spec.commandLine().getOut().println("deleted " + store);
            return 0;
        }
    }
}
