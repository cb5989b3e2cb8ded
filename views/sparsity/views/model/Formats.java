package sparsity.views.model;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How numbers read in the model view, its exports and the report (the same text everywhere). */
public final class Formats {

    private Formats() {
    }

    /** 22713216 gives "22,713,216". */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes in binary units with one decimal: "86.7 MiB"; below 1 KiB plain "512 B". */
    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A fraction as a percentage with two decimals ("12.50"); "" for NaN (non-numeric tensors). */
    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%.2f", fraction * 100);
    }

    /** A magnitude with 4 significant digits ("0.2713", "1.234e-05"). */
    public static String magnitude(double v) {
        if (Double.isNaN(v)) return "";
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            String s = String.format(Locale.ROOT, "%.4g", v);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /** Opset imports as "ai.onnx 14, com.microsoft 1" (the default domain named ai.onnx). */
    public static String opsets(Map<String, Long> opsets) {
        return opsets.entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Producer name and version ("pytorch 2.1.0"), or "unknown producer". */
    public static String producer(String name, String version) {
        String s = (name == null ? "" : name.strip()) + " " + (version == null ? "" : version.strip());
        s = s.strip();
        return s.isEmpty() ? "unknown producer" : s;
    }

    /** The first 12 hex digits of a sha256. */
    public static String shortHash(String sha256) {
        return sha256 == null ? "" : sha256.substring(0, Math.min(12, sha256.length()));
    }
}
