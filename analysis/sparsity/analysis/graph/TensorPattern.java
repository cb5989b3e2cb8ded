package sparsity.analysis.graph;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How the command line names tensors: an exact name; a glob where {@code *} matches any run of
 * characters within one part of the scope (no {@code /}), {@code **} any run including slashes
 * and {@code ?} one character other than {@code /}, e.g.
 * {@code /encoder/layer.*}{@code /output/LayerNorm/Add_1_output_0} (the hidden state after every
 * layer) or {@code **}{@code /Softmax_output_0}; or a regular expression after
 * {@code re:} that must match the whole name, e.g. {@code re:.*layer\.[0-2]/.*Softmax.*}. A name
 * without {@code *} or {@code ?} is exact; {@code glob:} forces a glob, {@code name:} an exact name.
 */
public final class TensorPattern {

    /** How a pattern matches. */
    public enum Kind { EXACT, GLOB, REGEX }

    private final String text;
    private final Kind kind;
    private final Pattern regex;

    private TensorPattern(String text, Kind kind, Pattern regex) {
        this.text = text;
        this.kind = kind;
        this.regex = regex;
    }

    /**
     * Reads one pattern.
     *
     * @throws IllegalArgumentException for an empty pattern or a bad regular expression
     */
    public static TensorPattern parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty tensor name or pattern");
        try {
            if (text.startsWith("re:")) return new TensorPattern(text, Kind.REGEX, Pattern.compile(text.substring(3)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regular expression '" + text.substring(3) + "': " + e.getDescription(), e);
        }
        if (text.startsWith("name:")) return new TensorPattern(text, Kind.EXACT, null);
        String body = text.startsWith("glob:") ? text.substring(5) : text;
        if (text.startsWith("glob:") || body.indexOf('*') >= 0 || body.indexOf('?') >= 0) {
            return new TensorPattern(text, Kind.GLOB, Pattern.compile(globToRegex(body)));
        }
        return new TensorPattern(text, Kind.EXACT, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The pattern as written. */
    public String text() {
        return text;
    }

    public boolean matches(String name) {
        return switch (kind) {
            case EXACT -> name.equals(text.startsWith("name:") ? text.substring(5) : text);
            case GLOB, REGEX -> regex.matcher(name).matches();
        };
    }

    /**
     * The names matched by the patterns, each once: the matches of the first pattern, then those
     * of the second, and so on; the matches of one pattern in the order of {@code names} (graph
     * order when they come from {@link GraphSurgery#tensorNames}).
     *
     * @throws IllegalArgumentException naming the first pattern that matches nothing
     */
    public static List<String> select(List<String> names, List<String> patterns) {
        List<TensorPattern> parsed = patterns.stream().map(TensorPattern::parse).toList();
        for (TensorPattern p : parsed) {
            if (names.stream().noneMatch(p::matches)) {
                throw new IllegalArgumentException("no tensor matches '" + p.text() + "'"
                        + (p.kind() == Kind.EXACT ? " (names are exact; use * or re: for patterns)" : ""));
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (TensorPattern p : parsed) for (String n : names) if (p.matches(n)) out.add(n);
        return new ArrayList<>(out);
    }

    static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) sb.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                if (c == '?') {
                    sb.append("[^/]");
                } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    sb.append(".*");
                    i++;
                } else {
                    sb.append("[^/]*");
                }
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) sb.append(Pattern.quote(literal.toString()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
