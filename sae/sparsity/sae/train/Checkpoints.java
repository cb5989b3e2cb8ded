package sparsity.sae.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.Backend;
import sparsity.sae.model.Architectures;
import sparsity.sae.model.DeviceResident;
import sparsity.sae.model.SaeSpec;
import sparsity.sae.model.SparseAutoencoder;

/**
 * Checkpoints of a sparse autoencoder in training: the weights, Adam's moments, the step count,
 * the loss scale and the dead-latent counts, so that a resumed run continues exactly. A
 * checkpoint is a folder with {@code checkpoint.properties} and {@code state.bin} (big-endian
 * floats and longs), written to a temporary folder and renamed into place.
 */
public final class Checkpoints {

    private static final int MAGIC = 0x53414543; // "SAEC"

    private Checkpoints() {
    }

    /** Writes a checkpoint of {@code sae} after {@code tokens} tokens into {@code dir} (replaced). */
    public static void save(SparseAutoencoder sae, long tokens, Properties settings, Path dir) throws IOException {
        if (sae instanceof DeviceResident r) r.syncToHost();
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + "-");
        try {
            Properties p = new Properties();
            p.putAll(settings);
            p.setProperty("steps", Long.toString(sae.steps()));
            p.setProperty("tokens", Long.toString(tokens));
            p.setProperty("mseScale", Double.toString(sae.mseScale()));
            p.setProperty("inputDim", Integer.toString(sae.params().inputDim()));
            p.setProperty("latents", Integer.toString(sae.params().latents()));
            sae.spec().asMap().forEach((key, v) -> p.setProperty("spec." + key, v));
            try (OutputStream o = Files.newOutputStream(tmp.resolve("checkpoint.properties"))) {
                p.store(o, "Sparsity Workbench " + sae.architecture() + " autoencoder checkpoint");
            }
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(tmp.resolve("state.bin")), 1 << 16))) {
                out.writeInt(MAGIC);
                for (FloatMatrix m : sae.params().all()) write(out, m);
                for (FloatMatrix m : sae.adamFirstMoments()) write(out, m);
                for (FloatMatrix m : sae.adamSecondMoments()) write(out, m);
                long[] since = sae.deadLatents().tokensSinceFired();
                out.writeInt(since.length);
                for (long v : since) out.writeLong(v);
                double[] extra = sae.extraState();
                out.writeInt(extra.length);
                for (double v : extra) out.writeDouble(v);
            }
            if (Files.exists(dir)) deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    /** The settings and counters saved with a checkpoint. */
    public static Properties properties(Path dir) throws IOException {
        Properties p = new Properties();
        Path f = dir.resolve("checkpoint.properties");
        if (!Files.isRegularFile(f)) throw new IOException(dir + ": not a checkpoint (no checkpoint.properties)");
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        }
        return p;
    }

    /** The autoencoder settings saved with a checkpoint. */
    public static SaeSpec spec(Properties p) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) if (key.startsWith("spec.")) m.put(key.substring(5), p.getProperty(key));
        return SaeSpec.fromMap(m);
    }

    /** Makes an autoencoder of the checkpoint's architecture, shape and settings and restores it. */
    public static SparseAutoencoder open(Path dir, Backend backend) throws IOException {
        Properties p = properties(dir);
        SaeSpec spec;
        try {
            spec = spec(p);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir + ": " + e.getMessage(), e);
        }
        SparseAutoencoder sae = Architectures.create(backend, Integer.parseInt(p.getProperty("inputDim")),
                Integer.parseInt(p.getProperty("latents")), spec, 0);
        try {
            restore(sae, dir);
        } catch (IOException | RuntimeException e) {
            sae.close();
            throw e;
        }
        return sae;
    }

    /** Loads a checkpoint into a freshly made autoencoder of the same shape and settings. */
    public static long restore(SparseAutoencoder sae, Path dir) throws IOException {
        Properties p = properties(dir);
        int d = Integer.parseInt(p.getProperty("inputDim"));
        int n = Integer.parseInt(p.getProperty("latents"));
        String arch = p.getProperty("spec.architecture");
        if (arch != null && !arch.equals(sae.architecture())) {
            throw new IOException(dir + ": checkpoint of a " + arch + " autoencoder, not " + sae.architecture());
        }
        if (d != sae.params().inputDim() || n != sae.params().latents()) {
            throw new IOException(dir + ": checkpoint is " + d + " x " + n + ", the autoencoder is "
                    + sae.params().inputDim() + " x " + sae.params().latents());
        }
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                Files.newInputStream(dir.resolve("state.bin")), 1 << 16))) {
            if (in.readInt() != MAGIC) throw new IOException(dir + ": state.bin is not a checkpoint");
            for (FloatMatrix m : sae.params().all()) read(in, m);
            for (FloatMatrix m : sae.adamFirstMoments()) read(in, m);
            for (FloatMatrix m : sae.adamSecondMoments()) read(in, m);
            long[] since = new long[in.readInt()];
            for (int i = 0; i < since.length; i++) since[i] = in.readLong();
            sae.deadLatents().restore(since);
            double[] extra;
            try {
                extra = new double[in.readInt()];
            } catch (java.io.EOFException e) {
                extra = new double[0]; // written before architectures kept extra state
            }
            for (int i = 0; i < extra.length; i++) extra[i] = in.readDouble();
            sae.restoreExtraState(extra);
        }
        sae.restoreCounters(Long.parseLong(p.getProperty("steps")), Double.parseDouble(p.getProperty("mseScale")));
        if (sae instanceof DeviceResident r) r.hostChanged();
        return Long.parseLong(p.getProperty("tokens"));
    }

    private static void write(DataOutputStream out, FloatMatrix m) throws IOException {
        out.writeInt(m.rows());
        out.writeInt(m.cols());
        for (int r = 0; r < m.rows(); r++) for (int c = 0; c < m.cols(); c++) out.writeFloat(m.get(r, c));
    }

    private static void read(DataInputStream in, FloatMatrix m) throws IOException {
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows != m.rows() || cols != m.cols()) throw new IOException("checkpoint tensor is " + rows + "x" + cols + ", expected " + m);
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m.set(r, c, in.readFloat());
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
