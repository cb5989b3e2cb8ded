package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import ai.onnxruntime.OrtException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.CapturePlan;
import sparsity.analysis.capture.CaptureResult;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.store.DType;

/** {@code ./workbench capture --model M --input FILE|DIR --tensors NAME,...|--attention --out STORE}. */
@Command(name = "capture", description = "Capture activations (and attention maps) of a model over real inputs into an activation store.")
final class CaptureCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "An .onnx file or a bundled sample's name.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR",
            description = "A text file (one text per line), a folder of PNG/JPEG images, or an .npy array.")
    Path input;

    @Option(names = "--tensors", split = ",", paramLabel = "NAME",
            description = "Tensors to capture: names, globs (*, ?) or re:REGEX, comma-separated.")
    List<String> tensors = new ArrayList<>();

    @Option(names = "--attention", description = "Capture every attention map [batch, head, query, key].")
    boolean attention;

    @Option(names = "--out", required = true, paramLabel = "STORE", description = "The store folder to create.")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json (default: beside the model, or the sample's).")
    Path tokenizer;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16 on disk (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--batch", defaultValue = "16", description = "Examples per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-length", defaultValue = "128", description = "Tokens per text at most (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--resume", description = "Continue the incomplete store at --out with the same inputs.")
    boolean resume;

    @Option(names = "--limit", defaultValue = "0", description = "Use only the first N texts of a text file (0: all).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (tensors.isEmpty() && !attention && !resume) throw new UserInputException("choose --tensors NAME,... or --attention (or both)");
        if (batch < 1 || maxLength < 1) throw new UserInputException("--batch and --max-length must be >= 1");
        DType dt = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float32", "f32" -> DType.FLOAT32;
            case "float16", "f16" -> DType.FLOAT16;
            default -> throw new UserInputException("--dtype must be float32 or float16, not " + dtype);
        };
        Path modelFile = ModelArgument.resolve(model);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ModelSummary summary = OnnxModels.summarize(modelFile, ProgressListener.NONE);
            InputSources.Source source = InputSources.of(input, summary);
            if (limit > 0 && source instanceof InputSources.Texts t && t.lines().size() > limit) {
                source = new InputSources.Texts(t.lines().subList(0, limit), t.origin());
            }
            Tokenizer tok = null;
            if (source instanceof InputSources.Texts) {
                Optional<Path> tf = ModelArgument.tokenizer(modelFile, tokenizer);
                if (tf.isPresent()) tok = Tokenizers.load(tf.get());
            }
            InputSources.Prepared prepared = InputSources.prepare(summary, source, tok, batch, maxLength, ProgressListener.NONE);
            var batches = prepared.batches();
            out.println("inputs   " + prepared.description());
            out.println("mapping  " + prepared.plan().describe().strip().replace("\n", "\n         "));
            if (resume) {
                try (sparsity.analysis.store.ActivationStore st = sparsity.analysis.store.ActivationStore.open(this.out)) {
                    if (st.isComplete()) throw new UserInputException(this.out + " is already complete; nothing to resume");
                }
                CaptureResult r = Capture.resume(this.out, batches.iterator(), prepared.stats(), ProgressListener.NONE);
                out.printf(Locale.ROOT, "resumed  %s: %,d examples, %,d tokens in all; %,d rows this run%n", r.store(), r.examples(),
                        r.tokens(), r.rowsThisRun());
                return 0;
            }
            if (tensors.isEmpty() && !attention) throw new UserInputException("choose --tensors NAME,... or --attention (or both)");
            CaptureSpec cs = new CaptureSpec(modelFile, tensors, attention, dt, this.out,
                    prepared.description());
            try (Capture c = Capture.open(cs)) {
                CapturePlan plan = c.plan(batches.getFirst(), sparsity.analysis.capture.InputStats.of(batches));
                out.println("capture  " + plan.summary());
                out.flush();
                long[] last = {0};
                CaptureResult r = c.run(batches.iterator(), (f, msg) -> {
                    long now = System.nanoTime();
                    if (now - last[0] > 2_000_000_000L) {
                        err.printf(Locale.ROOT, "  %3.0f%%  %s%n", 100 * Math.max(0, f), msg);
                        err.flush();
                        last[0] = now;
                    }
                });
                out.printf(Locale.ROOT, "wrote    %s: %d tensors, %,d examples, %,d tokens in %.1f s (%,.0f rows/s)%n", r.store(),
                        r.tensors().size(), r.examples(), r.tokens(), r.seconds(), r.rowsPerSecond());
            }
        } catch (ModelLoadException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (CaptureException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        return 0;
    }
}
