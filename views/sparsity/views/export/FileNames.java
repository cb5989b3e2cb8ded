package sparsity.views.export;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/** Safe, portable file names made from titles and ids. */
public final class FileNames {

    private static final int MAX_LENGTH = 80;

    private FileNames() {
    }

    /**
     * A file name stem from any text: lower case ASCII letters, digits, '.', '_' and '-' only,
     * other runs of characters become one '-', no leading dots or dashes, at most 80 characters;
     * "export" when nothing is left.
     */
    public static String safe(String text) {
        String s = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("-{2,}", "-")
                .replaceAll("^[-.]+", "")
                .replaceAll("[-.]+$", "");
        if (s.length() > MAX_LENGTH) s = s.substring(0, MAX_LENGTH).replaceAll("[-.]+$", "");
        return s.isEmpty() ? "export" : s;
    }

    /**
     * {@link #safe(String)}, made unique against {@code taken} (compared case-insensitively) by a
     * "-2", "-3" ... suffix; the result is added to {@code taken}.
     */
    public static String unique(String text, Set<String> taken) {
        String base = safe(text);
        String name = base;
        for (int i = 2; taken.contains(name.toLowerCase(Locale.ROOT)); i++) name = base + "-" + i;
        taken.add(name.toLowerCase(Locale.ROOT));
        return name;
    }
}
