package sparsity.analysis.input;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static sparsity.analysis.json.Json.asBoolean;
import static sparsity.analysis.json.Json.asList;
import static sparsity.analysis.json.Json.asObject;
import static sparsity.analysis.json.Json.asString;

/** The "pre_tokenizer" section of a tokenizer.json: splits normalized text into words. */
final class PreTokenizers {

    private PreTokenizers() {
    }

    /** Splits one piece into pieces (words); pieces keep their original offsets. */
    interface PreTokenizer extends Function<Normalized, List<Normalized>> {
    }

    static final PreTokenizer NONE = List::of;

    /** GPT-2's split pattern (contractions, letters, numbers, other, spaces). */
    static final Pattern GPT2_PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final Pattern WHITESPACE_PATTERN = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    /** The pre-tokenizer described by a tokenizer.json "pre_tokenizer" value (null: none). */
    static PreTokenizer fromJson(Object json) {
        if (json == null) return n -> n.isEmpty() ? List.of() : List.of(n);
        Map<String, Object> o = asObject(json, "pre_tokenizer");
        String type = asString(o.get("type"), "pre_tokenizer.type");
        return switch (type) {
            case "BertPreTokenizer" -> PreTokenizers::bert;
            case "Whitespace" -> n -> regexMatches(n, WHITESPACE_PATTERN);
            case "WhitespaceSplit" -> PreTokenizers::whitespaceSplit;
            case "ByteLevel" -> byteLevel(flag(o, "add_prefix_space", true), flag(o, "use_regex", true));
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                for (Object step : asList(o.get("pretokenizers"), "pre_tokenizer.pretokenizers")) steps.add(fromJson(step));
                yield n -> {
                    List<Normalized> pieces = List.of(n);
                    for (PreTokenizer step : steps) {
                        List<Normalized> next = new ArrayList<>();
                        for (Normalized p : pieces) next.addAll(step.apply(p));
                        pieces = next;
                    }
                    return pieces;
                };
            }
            default -> throw new UnsupportedTokenizerException("pre_tokenizer '" + type + "' is not supported "
                    + "(supported: BertPreTokenizer, Whitespace, WhitespaceSplit, ByteLevel, Sequence)");
        };
    }

    private static boolean flag(Map<String, Object> o, String key, boolean dflt) {
        Object v = o.get(key);
        return v == null ? dflt : asBoolean(v, "pre_tokenizer." + key);
    }

    /** BERT: split on whitespace (dropped) and isolate each punctuation char. */
    static List<Normalized> bert(Normalized n) {
        List<Normalized> out = new ArrayList<>();
        String t = n.text;
        int wordStart = -1;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int len = Character.charCount(cp);
            if (Normalizers.isUnicodeWhitespace(cp)) {
                if (wordStart >= 0) out.add(n.slice(wordStart, i));
                wordStart = -1;
            } else if (isBertPunctuation(cp)) {
                if (wordStart >= 0) out.add(n.slice(wordStart, i));
                wordStart = -1;
                out.add(n.slice(i, i + len));
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i += len;
        }
        if (wordStart >= 0) out.add(n.slice(wordStart, t.length()));
        return out;
    }

    static List<Normalized> whitespaceSplit(Normalized n) {
        List<Normalized> out = new ArrayList<>();
        String t = n.text;
        int wordStart = -1;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int len = Character.charCount(cp);
            if (Normalizers.isUnicodeWhitespace(cp)) {
                if (wordStart >= 0) out.add(n.slice(wordStart, i));
                wordStart = -1;
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i += len;
        }
        if (wordStart >= 0) out.add(n.slice(wordStart, t.length()));
        return out;
    }

    /** ASCII punctuation (as BERT: all non-alphanumeric printable ASCII) or a Unicode P* char. */
    static boolean isBertPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static List<Normalized> regexMatches(Normalized n, Pattern p) {
        List<Normalized> out = new ArrayList<>();
        Matcher m = p.matcher(n.text);
        while (m.find()) if (m.end() > m.start()) out.add(n.slice(m.start(), m.end()));
        return out;
    }

    /**
     * GPT-2's byte-level pre-tokenizer: optionally a space in front, the GPT-2 split, then
     * each piece's UTF-8 bytes as the printable chars of {@link ByteLevel}.
     */
    static PreTokenizer byteLevel(boolean addPrefixSpace, boolean useRegex) {
        return n -> {
            if (n.isEmpty()) return List.of();
            if (addPrefixSpace && !n.text.startsWith(" ")) n = n.prepend(" ");
            List<Normalized> pieces = useRegex ? regexMatches(n, GPT2_PATTERN) : List.of(n);
            List<Normalized> out = new ArrayList<>(pieces.size());
            for (Normalized p : pieces) out.add(p.mapCodePoints(ByteLevel::encodeCodePoint));
            return out;
        };
    }

    /** GPT-2's reversible map between bytes and printable chars. */
    static final class ByteLevel {
        static final char[] BYTE_TO_CHAR = new char[256];
        static final int[] CHAR_TO_BYTE = new int[512];

        static {
            java.util.Arrays.fill(CHAR_TO_BYTE, -1);
            int n = 0;
            for (int b = 0; b < 256; b++) {
                boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
                char c = printable ? (char) b : (char) (256 + n++);
                BYTE_TO_CHAR[b] = c;
                CHAR_TO_BYTE[c] = b;
            }
        }

        private ByteLevel() {
        }

        static String encodeCodePoint(int cp) {
            byte[] bytes = Character.toString(cp).getBytes(StandardCharsets.UTF_8);
            char[] chars = new char[bytes.length];
            for (int i = 0; i < bytes.length; i++) chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
            return new String(chars);
        }

        /** Byte-level text back to a string; chars outside the map are kept as UTF-8. */
        static String decode(String byteChars) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(byteChars.length());
            for (int i = 0; i < byteChars.length(); i++) {
                char c = byteChars.charAt(i);
                int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
                if (b >= 0) out.write(b);
                else out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
