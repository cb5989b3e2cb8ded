package sparsity.views.sae;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sparsity.sae.features.ExampleCodes;
import sparsity.sae.features.LatentAtlas;
import sparsity.views.export.TableData;

/** The latent browser's and code raster's tables as {@link TableData}, for CSV export and reports. */
public final class SaeTables {

    private SaeTables() {
    }

    public static TableData latents(LatentAtlas a, String title) {
        List<List<String>> rows = new ArrayList<>(a.latents());
        for (LatentAtlas.LatentSummary s : a.summaries()) {
            rows.add(List.of(Integer.toString(s.latent()), Long.toString(s.fires()), num(s.density()),
                    s.dead() ? "-inf" : num(s.log10Density()), num(s.max()), num(s.meanActive())));
        }
        return new TableData("Latents of " + title, List.of("latent", "active rows", "density", "log10 density", "max activation",
                "mean activation when active"), rows);
    }

    public static TableData examples(String title, List<LatentBrowserViewModel.ExampleLine> lines) {
        List<List<String>> rows = new ArrayList<>();
        int rank = 1;
        for (LatentBrowserViewModel.ExampleLine l : lines) {
            rows.add(List.of(Integer.toString(rank++), Integer.toString(l.example()), Long.toString(l.row()), l.focusToken(),
                    num(l.value()), l.text()));
        }
        return new TableData(title, List.of("rank", "example", "row", "token", "activation", "text"), rows);
    }

    public static TableData bands(String title, List<LatentBrowserViewModel.BandView> bands) {
        List<List<String>> rows = new ArrayList<>();
        for (LatentBrowserViewModel.BandView b : bands) {
            LatentAtlas.Band band = b.band();
            if (b.examples().isEmpty()) {
                rows.add(List.of(Integer.toString(band.index()), num(band.lower()), num(band.upper()), Long.toString(band.count()),
                        num(band.share()), "", "", "", "", ""));
            }
            for (LatentBrowserViewModel.ExampleLine l : b.examples()) {
                rows.add(List.of(Integer.toString(band.index()), num(band.lower()), num(band.upper()), Long.toString(band.count()),
                        num(band.share()), Integer.toString(l.example()), Long.toString(l.row()), l.focusToken(), num(l.value()), l.text()));
            }
        }
        return new TableData(title, List.of("band", "from", "to", "activations in band", "share", "example", "row", "token",
                "activation", "text"), rows);
    }

    public static TableData neighbours(String title, List<LatentBrowserViewModel.NeighbourRow> n) {
        List<List<String>> rows = new ArrayList<>();
        for (LatentBrowserViewModel.NeighbourRow r : n) {
            rows.add(List.of(Integer.toString(r.latent()), num(r.cosine()), num(r.density()), num(r.max())));
        }
        return new TableData(title, List.of("latent", "decoder cosine", "density", "max activation"), rows);
    }

    /** The raster as tokens x latents: one row per token, one column per active latent. */
    public static TableData raster(String title, ExampleCodes codes, ExampleCodes.Raster r) {
        List<String> cols = new ArrayList<>();
        cols.add("row");
        cols.add("token or example");
        for (int l : r.latents()) cols.add("latent " + l);
        List<List<String>> rows = new ArrayList<>();
        for (int t = 0; t < r.tokens(); t++) {
            List<String> row = new ArrayList<>(cols.size());
            row.add(Integer.toString(t));
            row.add(codes.tokens().get(t));
            for (int c = 0; c < r.latents().length; c++) row.add(num(r.get(t, c)));
            rows.add(row);
        }
        return new TableData(title, cols, rows);
    }

    /** A number for CSV: integers plain, others with up to 7 significant digits. */
    static String num(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.7g", v);
        if (s.contains("e")) return s.replaceAll("\\.?0+e", "e");
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
