package sparsity.analysis.input;

import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import static sparsity.analysis.json.Json.asBoolean;
import static sparsity.analysis.json.Json.asList;
import static sparsity.analysis.json.Json.asObject;
import static sparsity.analysis.json.Json.asString;

/** The "normalizer" section of a tokenizer.json, as functions on {@link Normalized} text. */
final class Normalizers {

    private Normalizers() {
    }

    static final UnaryOperator<Normalized> IDENTITY = n -> n;

    /** The normalizer described by a tokenizer.json "normalizer" value (null: none). */
    static UnaryOperator<Normalized> fromJson(Object json) {
        if (json == null) return IDENTITY;
        Map<String, Object> o = asObject(json, "normalizer");
        String type = asString(o.get("type"), "normalizer.type");
        return switch (type) {
            case "BertNormalizer" -> bert(flag(o, "clean_text", true), flag(o, "handle_chinese_chars", true),
                    o.get("strip_accents") == null ? null : asBoolean(o.get("strip_accents"), "strip_accents"),
                    flag(o, "lowercase", true));
            case "Lowercase" -> Normalizers::lowercase;
            case "StripAccents" -> Normalizers::stripAccents;
            case "NFC" -> n -> unicode(n, Form.NFC);
            case "NFD" -> n -> unicode(n, Form.NFD);
            case "NFKC" -> n -> unicode(n, Form.NFKC);
            case "NFKD" -> n -> unicode(n, Form.NFKD);
            case "Strip" -> strip(flag(o, "strip_left", true), flag(o, "strip_right", true));
            case "Sequence" -> {
                List<UnaryOperator<Normalized>> steps = new ArrayList<>();
                for (Object step : asList(o.get("normalizers"), "normalizer.normalizers")) steps.add(fromJson(step));
                yield n -> {
                    for (UnaryOperator<Normalized> s : steps) n = s.apply(n);
                    return n;
                };
            }
            default -> throw new UnsupportedTokenizerException("normalizer '" + type + "' is not supported (supported: "
                    + "BertNormalizer, Lowercase, StripAccents, NFC, NFD, NFKC, NFKD, Strip, Sequence)");
        };
    }

    private static boolean flag(Map<String, Object> o, String key, boolean dflt) {
        Object v = o.get(key);
        return v == null ? dflt : asBoolean(v, "normalizer." + key);
    }

    /**
     * BERT's normalizer: drop control chars and map whitespace to a space, put spaces around
     * CJK ideographs, strip accents (by default when lower-casing) and lower-case.
     */
    static UnaryOperator<Normalized> bert(boolean cleanText, boolean chineseChars, Boolean stripAccents, boolean lowercase) {
        boolean strip = stripAccents == null ? lowercase : stripAccents;
        return n -> n.mapCodePoints(cp -> bertChar(cp, cleanText, chineseChars, strip, lowercase));
    }

    /** BERT's normalization of one code point, in BERT's order; null when it stays as it is. */
    private static String bertChar(int cp, boolean cleanText, boolean chineseChars, boolean strip, boolean lowercase) {
        if (cp < 0x80 && cp >= 0x20 && cp != 0x7F) { // printable ASCII: only lower-casing can change it
            return lowercase && cp >= 'A' && cp <= 'Z' ? ASCII_LOWER[cp - 'A'] : null;
        }
        if (cleanText) {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) return "";
            if (isBertWhitespace(cp)) return " ";
        }
        if (chineseChars && isChineseChar(cp)) return " " + Character.toString(cp) + " ";
        String s = null;
        if (strip) s = stripAccents(cp);
        if (lowercase) {
            String base = s == null ? Character.toString(cp) : s;
            String lower = base.toLowerCase(Locale.ROOT);
            if (!lower.equals(base) || s != null) s = lower;
        }
        return s;
    }

    private static final String[] ASCII_LOWER = new String[26];

    static {
        for (int i = 0; i < 26; i++) ASCII_LOWER[i] = String.valueOf((char) ('a' + i));
    }

    static Normalized lowercase(Normalized n) {
        return n.mapCodePoints(cp -> {
            if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? ASCII_LOWER[cp - 'A'] : null;
            String base = Character.toString(cp);
            String lower = base.toLowerCase(Locale.ROOT);
            return lower.equals(base) ? null : lower;
        });
    }

    static Normalized stripAccents(Normalized n) {
        return n.mapCodePoints(Normalizers::stripAccents);
    }

    /** The code point decomposed (NFD) without its non-spacing marks; null when unchanged. */
    private static String stripAccents(int cp) {
        if (cp < 0xC0) return null; // nothing below U+00C0 decomposes
        String base = Character.toString(cp);
        String d = java.text.Normalizer.normalize(base, Form.NFD);
        if (d.equals(base) && Character.getType(cp) != Character.NON_SPACING_MARK) return null;
        StringBuilder sb = new StringBuilder(d.length());
        d.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    static Normalized unicode(Normalized n, Form form) {
        return n.mapClusters(s -> java.text.Normalizer.normalize(s, form));
    }

    static UnaryOperator<Normalized> strip(boolean left, boolean right) {
        return n -> {
            int from = 0;
            int to = n.length();
            while (left && from < to && Character.isWhitespace(n.text.charAt(from))) from++;
            while (right && to > from && Character.isWhitespace(n.text.charAt(to - 1))) to--;
            return n.slice(from, to);
        };
    }

    /** Whitespace as BERT sees it: tab, newline, carriage return and Unicode White_Space. */
    static boolean isBertWhitespace(int cp) {
        return cp == '\t' || cp == '\n' || cp == '\r' || isUnicodeWhitespace(cp);
    }

    /** Unicode White_Space (as Rust's char::is_whitespace). */
    static boolean isUnicodeWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Control chars as BERT sees them: the Unicode "other" categories, except tab, newline, CR. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE
                || t == Character.SURROGATE || t == Character.UNASSIGNED;
    }

    /** CJK Unified Ideographs and their extensions and compatibility blocks (as BERT). */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
