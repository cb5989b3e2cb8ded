package sparsity.analysis.input;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static sparsity.analysis.json.Json.asList;
import static sparsity.analysis.json.Json.asLong;
import static sparsity.analysis.json.Json.asObject;
import static sparsity.analysis.json.Json.asString;

/**
 * The "added_tokens" of a tokenizer.json ([CLS], &lt;|endoftext|&gt;, ...): found in a text
 * before normalization and given their ids directly.
 */
final class AddedTokens {

    record Added(long id, String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean special) {
    }

    /** A part of a text: an added token (token != null) or plain text, with its range. */
    record Segment(Added token, int start, int end) {
    }

    final List<Added> all;
    private final List<Added> longestFirst;
    /** The added tokens by first char, longest first, so that most positions are rejected at once. */
    private final Map<Character, List<Added>> byFirstChar = new java.util.HashMap<>();

    AddedTokens(List<Added> tokens) {
        this.all = List.copyOf(tokens);
        List<Added> sorted = new ArrayList<>(tokens);
        sorted.removeIf(a -> a.content().isEmpty());
        sorted.sort(Comparator.comparingInt((Added a) -> a.content().length()).reversed());
        this.longestFirst = sorted;
        for (Added a : sorted) byFirstChar.computeIfAbsent(a.content().charAt(0), c -> new ArrayList<>()).add(a);
    }

    static AddedTokens fromJson(Object json) {
        List<Added> out = new ArrayList<>();
        if (json != null) {
            for (Object item : asList(json, "added_tokens")) {
                Map<String, Object> o = asObject(item, "added token");
                out.add(new Added(asLong(o.get("id"), "added token id"), asString(o.get("content"), "added token content"),
                        Boolean.TRUE.equals(o.get("single_word")), Boolean.TRUE.equals(o.get("lstrip")),
                        Boolean.TRUE.equals(o.get("rstrip")), Boolean.TRUE.equals(o.get("special"))));
            }
        }
        return new AddedTokens(out);
    }

    /** Splits a text into added tokens and the plain text between them. */
    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        if (longestFirst.isEmpty()) {
            if (!text.isEmpty()) out.add(new Segment(null, 0, text.length()));
            return out;
        }
        int plainStart = 0;
        int i = 0;
        while (i < text.length()) {
            Added match = matchAt(text, i);
            if (match == null) {
                i++;
                continue;
            }
            int s = i;
            int e = i + match.content().length();
            if (match.lstrip()) while (s > plainStart && Character.isWhitespace(text.charAt(s - 1))) s--;
            if (match.rstrip()) while (e < text.length() && Character.isWhitespace(text.charAt(e))) e++;
            if (s > plainStart) out.add(new Segment(null, plainStart, s));
            out.add(new Segment(match, s, e));
            plainStart = e;
            i = e;
        }
        if (plainStart < text.length()) out.add(new Segment(null, plainStart, text.length()));
        return out;
    }

    private Added matchAt(String text, int i) {
        List<Added> candidates = byFirstChar.get(text.charAt(i));
        if (candidates == null) return null;
        for (Added a : candidates) {
            if (!text.startsWith(a.content(), i)) continue;
            if (a.singleWord()) {
                int end = i + a.content().length();
                boolean leftOk = i == 0 || !Character.isLetterOrDigit(text.codePointBefore(i));
                boolean rightOk = end >= text.length() || !Character.isLetterOrDigit(text.codePointAt(end));
                if (!leftOk || !rightOk) continue;
            }
            return a;
        }
        return null;
    }
}
