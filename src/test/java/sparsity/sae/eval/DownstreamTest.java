package sparsity.sae.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.graph.MiniLm;
import sparsity.analysis.samples.SampleModels;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.sae.eval.Downstream.Comparison;
import sparsity.analysis.evaluate.OutputKind;
import sparsity.sae.eval.Downstream.OutputMetrics;
import sparsity.sae.model.SaeParams;
import sparsity.sae.model.TopKAutoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known answers of the downstream evaluation on the three sample models, with two real TopK
 * autoencoders whose output is known exactly: an identity one (n = 2d latents e_i and -e_i,
 * k = d: the top d pre-activations are |x_c| at +-e_c, so x_hat = x bit for bit) and a zero one
 * (b_enc = -1, W_enc = 0: every latent is off, x_hat = b_dec = 0).
 */
class DownstreamTest {

    /** The first Relu of the MNIST MLP (256 wide). */
    static final String MNIST_RELU1 = "/relu1/Relu_output_0";
    /** The tiny transformer's residual stream after layer 0. */
    static final String TINY_MID = "/layers.0/Add_1_output_0";

    static Backend backend;

    @BeforeAll
    static void openBackend() {
        backend = Backends.cpu();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    /** A TopK autoencoder that reconstructs every row exactly. */
    static TopKAutoencoder identity(Backend backend, int d) {
        TopKAutoencoder sae = new TopKAutoencoder(backend, d, 2 * d, TopKAutoencoder.Config.defaults(d, d), 0);
        SaeParams p = sae.params();
        p.wEnc.fill(0);
        p.wDec.fill(0);
        p.bEnc.fill(0);
        p.bPre.fill(0);
        for (int c = 0; c < d; c++) {
            p.wEnc.set(c, c, 1f);
            p.wDec.set(c, c, 1f);
            p.wEnc.set(d + c, c, -1f);
            p.wDec.set(d + c, c, -1f);
        }
        return sae;
    }

    /** A TopK autoencoder whose latents never fire: it reconstructs every row as 0. */
    static TopKAutoencoder zero(Backend backend, int d) {
        TopKAutoencoder sae = new TopKAutoencoder(backend, d, 4 * d, TopKAutoencoder.Config.defaults(d, 8), 0);
        SaeParams p = sae.params();
        p.wEnc.fill(0);
        p.bEnc.fill(-1f);
        p.bPre.fill(0);
        return sae;
    }

    static List<InputBatch> mnistImages(int batch) throws Exception {
        return Downstream.inputs(SampleModels.path(SampleModels.MNIST_MLP), SampleModels.dataFile("mnist-test-images.npy"), null,
                batch, 128, 0).batches();
    }

    static long[] mnistLabels() throws Exception {
        return Downstream.labels(SampleModels.dataFile("mnist-test-labels.npy"));
    }

    static List<InputBatch> tinyEval() throws Exception {
        return Downstream.inputs(SampleModels.path(SampleModels.TINY_TRANSFORMER), SampleModels.dataFile("tiny-transformer-eval.npy"),
                null, 16, 128, 0).batches();
    }

    /** Corpus sentences from {@code from} (count of them) through MiniLM's tokenizer, padded per batch. */
    static List<InputBatch> minilmTexts(Path tmp, int from, int count, int batch) throws Exception {
        List<String> lines = Files.readAllLines(SampleModels.corpus()).subList(from, from + count);
        Path f = tmp.resolve("texts-" + from + "-" + count + ".txt");
        Files.write(f, lines);
        return Downstream.inputs(MiniLm.model(), f, null, batch, 64, 0).batches();
    }

    static void assertPerfect(Comparison c, boolean distribution) {
        assertEquals(1.0, c.cosine(), 0.0);
        if (distribution) {
            assertEquals(0.0, c.kl(), 0.0);
            assertEquals(1.0, c.top1Agreement(), 0.0);
        }
    }

    @Test
    void mnistIdentityIsPerfectAndZeroGivesTheZeroAblationNumbers() throws Exception {
        Path model = SampleModels.path(SampleModels.MNIST_MLP);
        List<InputBatch> images = mnistImages(250);
        long[] labels = mnistLabels();
        try (Downstream ds = Downstream.open(model, MNIST_RELU1);
             TopKAutoencoder id = identity(backend, 256);
             TopKAutoencoder zero = zero(backend, 256)) {
            assertEquals(List.of("logits"), ds.outputs());
            assertEquals(OutputKind.LOGITS, ds.kind("logits"));

            Downstream.Result r = ds.evaluate(id, images, labels, ProgressListener.NONE);
            r.lines().forEach(System.out::println);
            assertEquals(2000, r.examples());
            assertEquals(2000, r.rows());
            assertEquals(0.0, r.fvu(), 0.0);
            assertEquals(1.0, r.cosine(), 0.0);
            OutputMetrics m = r.output("logits").orElseThrow();
            assertEquals(2000, m.rows());
            assertTrue(!m.tokenLevel());
            assertPerfect(m.spliced(), true);
            assertEquals(1949, m.accuracy().clean(), "the held-out accuracy of sample-models/README.md");
            assertEquals(2000, m.accuracy().examples());
            assertEquals(m.accuracy().clean(), m.accuracy().spliced());
            assertNull(m.crossEntropy());
            // the floor: zeros after the first layer leave only the biases, one class for every image
            assertTrue(m.accuracy().zeroAblation() < 400, "zero ablation " + m.accuracy().zeroAblation());
            assertTrue(m.zeroAblation().kl() > 1, "KL of zero ablation " + m.zeroAblation().kl());

            Downstream.Result z = ds.evaluate(zero, images, labels, ProgressListener.NONE);
            z.lines().forEach(System.out::println);
            assertTrue(z.fvu() > 1, "x_hat = 0 is worse than the mean: FVU " + z.fvu());
            assertEquals(0.0, z.cosine(), 0.0);
            OutputMetrics zm = z.output("logits").orElseThrow();
            assertEquals(zm.zeroAblation(), zm.spliced());
            assertEquals(m.zeroAblation(), zm.zeroAblation());
            assertEquals(zm.accuracy().zeroAblation(), zm.accuracy().spliced());
            assertEquals(1949, zm.accuracy().clean());
        }
    }

    @Test
    void tinyTransformerCeLossRecoveredIsOneForIdentityAndZeroForZeros() throws Exception {
        Path model = SampleModels.path(SampleModels.TINY_TRANSFORMER);
        List<InputBatch> eval = tinyEval();
        try (Downstream ds = Downstream.open(model, TINY_MID);
             TopKAutoencoder id = identity(backend, 64);
             TopKAutoencoder zero = zero(backend, 64)) {
            assertEquals(List.of("logits"), ds.outputs());
            Downstream.Result r = ds.evaluate(id, eval, null, ProgressListener.NONE);
            r.lines().forEach(System.out::println);
            assertEquals(64, r.examples());
            assertEquals(64 * 41, r.rows(), "no mask: every position is a row");
            OutputMetrics m = r.output("logits").orElseThrow();
            assertTrue(m.tokenLevel());
            assertPerfect(m.spliced(), true);
            assertNull(m.accuracy());
            Downstream.CrossEntropy ce = m.crossEntropy();
            assertEquals(64 * 40, ce.predictions(), "every position but the last predicts the next token");
            assertEquals(ce.clean(), ce.spliced(), 0.0);
            assertEquals(1.0, ce.recovered(), 0.0);
            assertTrue(ce.zeroAblation() > ce.clean() + 0.5, ce.toString());
            // half of each sequence is random (CE ~ ln 63 = 4.14), the copied half nearly free
            assertTrue(ce.clean() > 1.5 && ce.clean() < 2.5, "clean CE " + ce.clean());

            Downstream.Result z = ds.evaluate(zero, eval, null, ProgressListener.NONE);
            OutputMetrics zm = z.output("logits").orElseThrow();
            assertEquals(zm.zeroAblation(), zm.spliced());
            assertEquals(0.0, zm.crossEntropy().recovered(), 0.0);
            assertEquals(ce.zeroAblation(), zm.crossEntropy().spliced(), 0.0);
        }
    }

    @Test
    void minilmIdentityIsPerfectOnRealTokensOfPaddedBatches(@TempDir Path tmp) throws Exception {
        List<InputBatch> texts = minilmTexts(tmp, 0, 12, 6);
        int real = 0;
        int all = 0;
        for (InputBatch b : texts) {
            for (int e = 0; e < b.size(); e++) real += b.tokens(e);
            all += b.size() * b.seqLength();
        }
        assertTrue(real < all, "the batches hold padding");
        try (Downstream ds = Downstream.open(MiniLm.model(), MiniLm.LAYER3_OUT);
             TopKAutoencoder id = identity(backend, MiniLm.HIDDEN)) {
            assertEquals(OutputKind.EMBEDDING, ds.kind(MiniLm.OUTPUT));
            Downstream.Result r = ds.evaluate(id, texts, null, ProgressListener.NONE);
            r.lines().forEach(System.out::println);
            assertEquals(real, r.rows(), "only real tokens are reconstructed");
            OutputMetrics m = r.output(MiniLm.OUTPUT).orElseThrow();
            assertTrue(m.tokenLevel());
            assertEquals(real, m.rows(), "only real tokens are scored");
            assertPerfect(m.spliced(), false);
            assertEquals(1.0, m.spliced().pooledCosine(), 0.0);
            assertTrue(Double.isNaN(m.spliced().kl()), "no KL for an embedding");
            assertTrue(m.zeroAblation().cosine() < 0.9, "zero ablation " + m.zeroAblation());
        }
    }

    @Test
    void clearMessagesForAMissingTensorAWidthThatDoesNotFitNanAndLabels() throws Exception {
        Path model = SampleModels.path(SampleModels.MNIST_MLP);
        DownstreamException missing = assertThrows(DownstreamException.class, () -> Downstream.open(model, "/relu9/Relu_output_0"));
        assertTrue(missing.getMessage().contains("no tensor named '/relu9/Relu_output_0'"), missing.getMessage());
        DownstreamException input = assertThrows(DownstreamException.class, () -> Downstream.open(model, "input"));
        assertTrue(input.getMessage().contains("is an input of the model"), input.getMessage());

        List<InputBatch> images = mnistImages(500).subList(0, 1);
        try (Downstream ds = Downstream.open(model, MNIST_RELU1);
             TopKAutoencoder narrow = identity(backend, 128);
             TopKAutoencoder nan = identity(backend, 256)) {
            DownstreamException width = assertThrows(DownstreamException.class,
                    () -> ds.evaluate(narrow, images, null, ProgressListener.NONE));
            assertTrue(width.getMessage().contains("takes rows of 128") && width.getMessage().contains("[500, 256]"), width.getMessage());

            nan.params().bPre.set(0, 7, Float.NaN);
            DownstreamException bad = assertThrows(DownstreamException.class, () -> ds.evaluate(nan, images, null, ProgressListener.NONE));
            assertTrue(bad.getMessage().startsWith("the reconstruction of '" + MNIST_RELU1 + "' holds NaN at example 0"), bad.getMessage());

            DownstreamException labels = assertThrows(DownstreamException.class,
                    () -> ds.evaluate(nan, images, new long[] {1, 2, 3}, ProgressListener.NONE));
            assertTrue(labels.getMessage().contains("3 labels for 500 examples"), labels.getMessage());
        }
    }
}
