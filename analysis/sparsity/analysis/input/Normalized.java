package sparsity.analysis.input;

import java.util.function.IntFunction;

/**
 * A piece of text being normalized and split, that remembers for each of its chars which
 * chars of the original text it came from, so that tokens can point back into the original.
 */
final class Normalized {

    final String text;
    /** For each char of {@link #text}: start and end (exclusive) in the original text. */
    final int[] start;
    final int[] end;
    /** Where an empty piece sits in the original text. */
    final int anchor;

    private Normalized(String text, int[] start, int[] end, int anchor) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.anchor = anchor;
    }

    /** A piece of the original text that begins at {@code offset}, not normalized yet. */
    static Normalized of(String original, int offset) {
        int n = original.length();
        int[] s = new int[n];
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            int cpStart = i;
            int cpEnd = i + 1;
            if (Character.isHighSurrogate(original.charAt(i)) && i + 1 < n && Character.isLowSurrogate(original.charAt(i + 1))) {
                cpEnd = i + 2;
            } else if (Character.isLowSurrogate(original.charAt(i)) && i > 0 && Character.isHighSurrogate(original.charAt(i - 1))) {
                cpStart = i - 1;
            }
            s[i] = offset + cpStart;
            e[i] = offset + cpEnd;
        }
        return new Normalized(original, s, e, offset);
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    int length() {
        return text.length();
    }

    /** Original start of the chars [from, to), or the anchor when empty. */
    int originalStart(int from, int to) {
        return from < to ? start[from] : (from < start.length ? start[from] : endOr(anchor));
    }

    /** Original end of the chars [from, to). */
    int originalEnd(int from, int to) {
        return from < to ? end[to - 1] : originalStart(from, to);
    }

    private int endOr(int fallback) {
        return end.length > 0 ? end[end.length - 1] : fallback;
    }

    /** The chars [from, to) as a piece of its own. */
    Normalized slice(int from, int to) {
        int[] s = new int[to - from];
        int[] e = new int[to - from];
        System.arraycopy(start, from, s, 0, to - from);
        System.arraycopy(end, from, e, 0, to - from);
        return new Normalized(text.substring(from, to), s, e, originalStart(from, to));
    }

    /**
     * Replaces each code point by the string {@code f} gives (empty to drop it, null to keep
     * it); the new chars point at the original range of the code point they replace.
     */
    Normalized mapCodePoints(IntFunction<String> f) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        IntBuilder s = new IntBuilder(text.length() + 8);
        IntBuilder e = new IntBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            String r = f.apply(cp);
            if (r == null) { // unchanged: copy the chars with their own alignment
                for (int k = i; k < i + n; k++) {
                    sb.append(text.charAt(k));
                    s.add(start[k]);
                    e.add(end[k]);
                }
                i += n;
                continue;
            }
            int os = start[i];
            int oe = end[i + n - 1];
            sb.append(r);
            for (int k = 0; k < r.length(); k++) {
                s.add(os);
                e.add(oe);
            }
            i += n;
        }
        return new Normalized(sb.toString(), s.toArray(), e.toArray(), anchor);
    }

    /**
     * Replaces each cluster (a code point and the combining marks after it) by the string
     * {@code f} gives; used for the Unicode normal forms, which compose across code points.
     */
    Normalized mapClusters(java.util.function.Function<String, String> f) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        IntBuilder s = new IntBuilder(text.length() + 8);
        IntBuilder e = new IntBuilder(text.length() + 8);
        int i = 0;
        while (i < text.length()) {
            int j = i + Character.charCount(text.codePointAt(i));
            while (j < text.length() && isMark(text.codePointAt(j))) j += Character.charCount(text.codePointAt(j));
            String r = f.apply(text.substring(i, j));
            int os = start[i];
            int oe = end[j - 1];
            sb.append(r);
            for (int k = 0; k < r.length(); k++) {
                s.add(os);
                e.add(oe);
            }
            i = j;
        }
        return new Normalized(sb.toString(), s.toArray(), e.toArray(), anchor);
    }

    /** This piece with {@code prefix} in front; the new chars cover nothing of the original. */
    Normalized prepend(String prefix) {
        int at = originalStart(0, text.length());
        int n = prefix.length();
        int[] s = new int[n + start.length];
        int[] e = new int[n + end.length];
        for (int k = 0; k < n; k++) {
            s[k] = at;
            e[k] = at;
        }
        System.arraycopy(start, 0, s, n, start.length);
        System.arraycopy(end, 0, e, n, end.length);
        return new Normalized(prefix + text, s, e, anchor);
    }

    static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
    }

    /** A growable int array. */
    static final class IntBuilder {
        private int[] a;
        private int n;

        IntBuilder(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
