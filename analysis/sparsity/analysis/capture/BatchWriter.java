package sparsity.analysis.capture;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import sparsity.analysis.store.StoreWriter;
import sparsity.analysis.store.TensorLayout;

/**
 * Turns the outputs of one batch into store rows: finds each tensor's layout on the first batch,
 * checks the shapes of later ones, rejects NaN/Inf naming the tensor and row, and writes the
 * non-padding rows (tokens), per-example rows, or attention maps cut to the real tokens.
 */
final class BatchWriter {

    private BatchWriter() {
    }

    /** The layout of a captured tensor, from its shape in the first batch. */
    static TensorLayout layoutOf(String name, String label, long[] shape, InputBatch b) throws CaptureException {
        int batch = b.size();
        int seq = b.seqLength();
        if (shape.length == 0 || shape[0] != batch) {
            throw new CaptureException("tensor '" + name + "' has shape " + Arrays.toString(shape) + ": its first dimension is not the batch ("
                    + batch + "), so it cannot be stored per token or per example");
        }
        if (b.isText() && shape.length == 4 && shape[2] == seq && shape[3] == seq) {
            return new TensorLayout(name, label, TensorLayout.Kind.MAPS, TensorLayout.Unit.EXAMPLE, new int[] {(int) shape[1]});
        }
        if (b.isText() && shape.length >= 2 && shape[1] == seq) {
            int[] row = shape.length == 2 ? new int[] {1} : toInts(Arrays.copyOfRange(shape, 2, shape.length));
            return new TensorLayout(name, label, TensorLayout.Kind.ROWS, TensorLayout.Unit.TOKEN, row);
        }
        int[] row = shape.length == 1 ? new int[] {1} : toInts(Arrays.copyOfRange(shape, 1, shape.length));
        return new TensorLayout(name, label, TensorLayout.Kind.ROWS, TensorLayout.Unit.EXAMPLE, row);
    }

    /** Checks that a later batch gives the shape the layout expects. */
    static void checkShape(TensorLayout t, long[] shape, InputBatch b) throws CaptureException {
        long seq = b.seqLength();
        long per = switch (t.kind()) {
            case MAPS -> (long) t.rowElements() * seq * seq;
            case ROWS -> t.unit() == TensorLayout.Unit.TOKEN ? seq * t.rowElements() : t.rowElements();
        };
        long n = 1;
        for (long d : shape) n *= d;
        boolean ok = shape.length > 0 && shape[0] == b.size() && n == per * b.size()
                && (t.kind() != TensorLayout.Kind.MAPS || shape.length == 4 && shape[1] == t.rowElements())
                && (t.unit() != TensorLayout.Unit.TOKEN || t.kind() != TensorLayout.Kind.ROWS || shape.length >= 2 && shape[1] == seq);
        if (!ok) {
            throw new CaptureException("tensor '" + t.name() + "' has shape " + Arrays.toString(shape) + " in this batch, but "
                    + t + " in the first; a store holds rows of one shape");
        }
    }

    /** Fails on the first NaN or Inf among the values that would be stored. */
    static void checkFinite(TensorLayout t, float[] v, InputBatch b, boolean[][] real, long firstTokenRow, int firstExample)
            throws CaptureException {
        int seq = b.seqLength();
        int e = t.rowElements();
        long row = firstTokenRow;
        for (int x = 0; x < b.size(); x++) {
            switch (t.kind()) {
                case ROWS -> {
                    if (t.unit() == TensorLayout.Unit.EXAMPLE) {
                        int bad = firstBad(v, x * e, e);
                        if (bad >= 0) throw nonFinite(t, v[x * e + bad], "row " + (firstExample + x) + " (example " + (firstExample + x)
                                + describe(b, x) + ", element " + bad + ")");
                    } else {
                        for (int p = 0; p < seq; p++) {
                            if (!real[x][p]) continue;
                            int bad = firstBad(v, (x * seq + p) * e, e);
                            if (bad >= 0) throw nonFinite(t, v[(x * seq + p) * e + bad], "row " + row + " (example " + (firstExample + x)
                                    + ", token position " + p + token(b, x, p) + ", element " + bad + ")");
                            row++;
                        }
                    }
                }
                case MAPS -> {
                    for (int h = 0; h < e; h++) {
                        for (int q = 0; q < seq; q++) {
                            if (!real[x][q]) continue;
                            int base = ((x * e + h) * seq + q) * seq;
                            for (int k = 0; k < seq; k++) {
                                float f = v[base + k];
                                if (!Float.isFinite(f) && real[x][k]) {
                                    throw nonFinite(t, f, "example " + (firstExample + x) + " (head " + h + ", query " + q + ", key " + k + ")");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Adds the batch's examples and tokens (provenance) to the store. */
    static void writeProvenance(StoreWriter w, InputBatch b, boolean[][] real) throws IOException {
        for (int x = 0; x < b.size(); x++) {
            w.addExample(b.names().get(x));
            if (!b.isText()) continue;
            for (int p = 0; p < b.seqLength(); p++) {
                if (real[x][p]) w.addToken(p, b.tokenId(x, p), b.tokenText(x, p));
            }
        }
    }

    /** Writes one tensor's rows or maps of the batch. */
    static void writeTensor(StoreWriter w, int index, TensorLayout t, float[] v, InputBatch b, boolean[][] real) throws IOException {
        int seq = b.seqLength();
        int e = t.rowElements();
        switch (t.kind()) {
            case ROWS -> {
                if (t.unit() == TensorLayout.Unit.EXAMPLE) {
                    w.writeRows(index, v, 0, b.size());
                    return;
                }
                for (int x = 0; x < b.size(); x++) {
                    int p = 0;
                    while (p < seq) {
                        if (!real[x][p]) {
                            p++;
                            continue;
                        }
                        int start = p;
                        while (p < seq && real[x][p]) p++;
                        w.writeRows(index, v, (x * seq + start) * e, p - start);
                    }
                }
            }
            case MAPS -> {
                for (int x = 0; x < b.size(); x++) {
                    int[] keep = new int[seq];
                    int n = 0;
                    for (int p = 0; p < seq; p++) if (real[x][p]) keep[n++] = p;
                    float[] map = new float[e * n * n];
                    for (int h = 0; h < e; h++) {
                        for (int qi = 0; qi < n; qi++) {
                            int src = ((x * e + h) * seq + keep[qi]) * seq;
                            int dst = (h * n + qi) * n;
                            for (int ki = 0; ki < n; ki++) map[dst + ki] = v[src + keep[ki]];
                        }
                    }
                    w.writeMap(index, map, n, n);
                }
            }
        }
    }

    private static int firstBad(float[] v, int from, int n) {
        for (int i = 0; i < n; i++) if (!Float.isFinite(v[from + i])) return i;
        return -1;
    }

    private static CaptureException nonFinite(TensorLayout t, float f, String where) {
        return new CaptureException((Float.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf") + " in tensor '" + t.name() + "' at " + where);
    }

    private static String describe(InputBatch b, int x) {
        String name = b.names().get(x);
        return name == null ? "" : " '" + name + "'";
    }

    private static String token(InputBatch b, int x, int p) {
        String t = b.tokenText(x, p);
        return t == null ? "" : " '" + t + "'";
    }

    private static int[] toInts(long[] dims) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) out[i] = Math.toIntExact(dims[i]);
        return out;
    }
}
