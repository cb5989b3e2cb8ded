package sparsity.views.sae;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Token texts as they read in running text: WordPiece continuations ("##ing") join the token
 * before them, byte-level BPE ("\u0120the") and SentencePiece ("\u2581the") markers become spaces, and
 * other tokens are separated by a space except before closing punctuation and after an opening
 * bracket.
 */
public final class TokenPieces {

    private static final Pattern OPENING = Pattern.compile("^[(\\[{\u201c]$");
    private static final Pattern CONTRACTION = Pattern.compile("^(s|t|re|ll|ve|d|m)$");
    private static final Pattern CLOSING = Pattern.compile("^[.,;:!?)\\]}%'\u2019\"]+$|^'\\w{1,2}$");

    private TokenPieces() {
    }

    /** One display piece per token, each with the space that goes before it (none before the first). */
    public static List<String> pieces(List<String> tokens) {
        boolean marked = tokens.stream().anyMatch(t -> t != null && (t.startsWith("\u0120") || t.startsWith("\u2581")));
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i) == null ? "\u2400" : tokens.get(i);
            String p;
            if (marked) {
                p = t.replace('\u0120', ' ').replace('\u2581', ' ').replace("\u010a", "\u23ce");
            } else if (t.startsWith("##") && t.length() > 2) {
                p = t.substring(2);
            } else if (i == 0 || CLOSING.matcher(t).matches() || joinsPrevious(tokens.get(i - 1), t)) {
                p = t;
            } else {
                p = " " + t;
            }
            out.add(i == 0 ? p.stripLeading().isEmpty() ? p : p.stripLeading() : p);
        }
        return out;
    }

    /** No space after an opening bracket, nor in a contraction ("it" "'" "s"). */
    private static boolean joinsPrevious(String previous, String t) {
        if (previous == null) return false;
        return OPENING.matcher(previous).matches() || (previous.equals("'") && CONTRACTION.matcher(t).matches());
    }

    /** The tokens as one line of text. */
    public static String text(List<String> tokens) {
        return String.join("", pieces(tokens));
    }
}
