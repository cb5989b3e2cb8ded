package sparsity.sae.features;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.analysis.store.TensorLayout;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.format.SaeLensSae;
import sparsity.sae.model.SparseAutoencoder;

/**
 * An autoencoder (a SAELens folder) opened together with the activation store it reads: what a
 * latent browser holds while it is open. {@link #scan} gathers the {@link LatentAtlas} of every
 * latent; {@link #codes} encodes one example's rows for token shading and the code raster (a
 * few recent examples are kept). Methods are safe to call from several threads: they take turns
 * on the autoencoder a batch at a time; {@link #close} releases the store mapping, the weights and
 * the backend.
 */
public final class LatentExplorer implements AutoCloseable {

    private static final int CACHED_EXAMPLES = 512;

    private final ActivationStore store;
    private final StoredTensor tensor;
    private final Backend backend;
    private final SparseAutoencoder sae;
    private final CodeModel model;
    private final Object lock = new Object();
    private boolean closed;
    private final String saeName;
    private final boolean ownsStore;
    private final Map<Integer, ExampleCodes> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, ExampleCodes> e) {
            return size() > CACHED_EXAMPLES;
        }
    };

    private LatentExplorer(ActivationStore store, StoredTensor tensor, Backend backend, SparseAutoencoder sae, String saeName,
                           boolean ownsStore) {
        this.store = store;
        this.tensor = tensor;
        this.backend = backend;
        this.sae = sae;
        this.model = guarded(CodeModel.of(sae));
        this.saeName = saeName;
        this.ownsStore = ownsStore;
    }

    /**
     * Opens a store and a SAELens folder.
     *
     * @param tensorName the captured tensor to read; null: the autoencoder's hook_name when the
     *                   store has it, else the store's first tensor of rows
     * @throws IOException with a message for the user: not a store, not a SAELens folder, an
     *                     architecture the workbench cannot run, rows of the wrong width
     */
    public static LatentExplorer open(Path storeDir, String tensorName, Path saeDir) throws IOException {
        SaeLensSae file = SaeLensFormat.read(saeDir);
        ActivationStore store = ActivationStore.open(storeDir);
        try {
            return of(store, tensorName, file, saeDir.getFileName() == null ? saeDir.toString() : saeDir.getFileName().toString(), true);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** An explorer on an open store (which stays open when the explorer is closed). */
    public static LatentExplorer of(ActivationStore store, String tensorName, SaeLensSae file, String saeName) throws IOException {
        return of(store, tensorName, file, saeName, false);
    }

    private static LatentExplorer of(ActivationStore store, String tensorName, SaeLensSae file, String saeName, boolean owns)
            throws IOException {
        String hook = String.valueOf(file.cfg().getOrDefault("hook_name", ""));
        StoredTensor t;
        if (tensorName != null) {
            t = store.tensor(tensorName).orElseThrow(() -> new IOException(store.dir() + " holds no tensor '" + tensorName + "'"));
        } else if (store.tensor(hook).isPresent()) {
            t = store.tensor(hook).get();
        } else {
            t = store.tensors().stream().filter(x -> !x.isAttention()).findFirst()
                    .orElseThrow(() -> new IOException(store.dir() + " holds only attention maps; an autoencoder reads rows"));
        }
        if (t.isAttention()) throw new IOException(t.name() + " holds attention maps; an autoencoder reads rows");
        if (t.dim() != file.dIn()) {
            throw new IOException(saeName + " takes rows of " + file.dIn() + " values; " + t.name() + " in " + store.dir()
                    + " has " + t.dim());
        }
        Backend be = Backends.cpu();
        try {
            return new LatentExplorer(store, t, be, SaeLensFormat.open(file, be), saeName, owns);
        } catch (IOException | RuntimeException e) {
            be.close();
            throw e;
        }
    }

    /** The autoencoder used a batch at a time under the lock, so that {@link #codes} can run between batches of a scan. */
    private CodeModel guarded(CodeModel m) {
        return new CodeModel() {
            @Override
            public int inputDim() {
                return m.inputDim();
            }

            @Override
            public int latents() {
                return m.latents();
            }

            @Override
            public int codeWidth() {
                return m.codeWidth();
            }

            @Override
            public void encode(sparsity.kernels.FloatMatrix x, sparsity.kernels.IntMatrix idx, sparsity.kernels.FloatMatrix z) {
                synchronized (lock) {
                    requireOpen();
                    m.encode(x, idx, z);
                }
            }

            @Override
            public void decoderRows(sparsity.kernels.FloatMatrix dst) {
                synchronized (lock) {
                    requireOpen();
                    m.decoderRows(dst);
                }
            }
        };
    }

    private void requireOpen() {
        if (closed) throw new java.util.concurrent.CancellationException("the latent explorer on " + store.dir() + " was closed");
    }

    /**
     * Scans every row of the tensor (see {@link FeatureScan}). Takes the autoencoder a batch at a
     * time, so {@link #codes} answers meanwhile; stops when the thread is interrupted, or with a
     * CancellationException when the explorer is closed.
     */
    public LatentAtlas scan(FeatureScan.Settings settings, ProgressListener progress) throws InterruptedException {
        LatentRows rows;
        synchronized (lock) {
            requireOpen();
            rows = LatentRows.of(store, tensor);
        }
        LatentRows guardedRows = new LatentRows() {
            @Override
            public long rows() {
                return rows.rows();
            }

            @Override
            public int dim() {
                return rows.dim();
            }

            @Override
            public void read(long start, int count, float[] dst) {
                synchronized (lock) {
                    requireOpen();
                    rows.read(start, count, dst);
                }
            }

            @Override
            public int example(long row) {
                synchronized (lock) {
                    requireOpen();
                    return rows.example(row);
                }
            }

            @Override
            public String describe(long row) {
                synchronized (lock) {
                    requireOpen();
                    return rows.describe(row);
                }
            }
        };
        return FeatureScan.run(model, backend, guardedRows, tensor.name(), settings, progress);
    }

    /** The codes of one example's rows (its tokens, or its one row). */
    public ExampleCodes codes(int example) {
        if (example < 0 || example >= examples()) throw new IndexOutOfBoundsException("example " + example + " of " + examples());
        synchronized (lock) {
            requireOpen();
            ExampleCodes c = recent.get(example);
            return c != null ? c : encodeExample(example);
        }
    }

    private ExampleCodes encodeExample(int example) {
        long first;
        int count;
        List<String> tokens = new ArrayList<>();
        if (perToken()) {
            first = store.exampleFirstToken(example);
            count = store.exampleTokens(example);
            for (int i = 0; i < count; i++) {
                String t = store.token(first + i).text();
                tokens.add(t == null ? "#" + store.token(first + i).tokenId() : t);
            }
        } else {
            first = example;
            count = 1;
            String n = store.exampleName(example);
            tokens.add(n == null ? "example " + example : n);
        }
        int d = tensor.dim();
        int w = model.codeWidth();
        int[] idx = new int[count * w];
        float[] val = new float[count * w];
        if (count > 0) {
            float[] rows = tensor.read(first, count, new float[count * d]);
            for (int i = 0; i < rows.length; i++) {
                if (!Float.isFinite(rows[i])) {
                    long row = first + i / d;
                    throw new NonFiniteRowException(row, LatentRows.of(store, tensor).describe(row) + " holds " + rows[i]
                            + " at dimension " + (i % d));
                }
            }
            try (MemoryScope s = MemoryScope.open()) {
                FloatMatrix x = s.floats(count, d, rows);
                IntMatrix im = s.ints(count, w);
                FloatMatrix z = s.floats(count, w);
                sae.encodeAndReconstruct(x, im, z, null);
                System.arraycopy(im.toArray(), 0, idx, 0, idx.length);
                System.arraycopy(z.toArray(), 0, val, 0, val.length);
            }
        }
        ExampleCodes c = new ExampleCodes(example, store.exampleName(example), first, tokens, w, idx, val);
        recent.put(example, c);
        return c;
    }

    /** The example's thumbnail when the store's inputs were images, or why there is none. */
    public ExampleImages.Result image(int example) {
        return ExampleImages.find(store, example);
    }

    /** Whether the store's inputs look like images (thumbnails are worth asking for). */
    public boolean hasImages() {
        return !perToken() && ExampleImages.looksLikeImages(store);
    }

    /** True when the rows are tokens (text), false for one row per example. */
    public boolean perToken() {
        return tensor.layout().unit() == TensorLayout.Unit.TOKEN;
    }

    public int examples() {
        return store.examples();
    }

    /** The example's text or image name (null when none was recorded). */
    public String exampleName(int example) {
        return store.exampleName(example);
    }

    public String tensorName() {
        return tensor.name();
    }

    public long rows() {
        return tensor.rows();
    }

    public Path storeDir() {
        return store.dir();
    }

    /** The autoencoder folder's name. */
    public String saeName() {
        return saeName;
    }

    public int latents() {
        return sae.latents();
    }

    public int inputDim() {
        return sae.inputDim();
    }

    /** The autoencoder's architecture name, e.g. "topk", "relu". */
    public String architecture() {
        return sae.architecture();
    }

    public int codeWidth() {
        return model.codeWidth();
    }

    /** e.g. "sae-l3: topk, 384 -> 1,536 latents, 32 code slots, on /encoder/... (124,488 token rows of 4,000 examples)". */
    public String describe() {
        return String.format(Locale.ROOT, "%s: %s, %d \u2192 %,d latents, %d code slots, on %s (%,d %s rows of %,d examples)", saeName,
                sae.architecture(), inputDim(), latents(), codeWidth(), tensor.name(), tensor.rows(), perToken() ? "token" : "example",
                examples());
    }

    /** Releases everything; a scan in progress on another thread stops at its next batch. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            sae.close();
            backend.close();
            if (ownsStore) store.close();
        }
    }
}
