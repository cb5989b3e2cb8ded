package sparsity.analysis.input;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static sparsity.analysis.json.Json.asBoolean;
import static sparsity.analysis.json.Json.asList;
import static sparsity.analysis.json.Json.asLong;
import static sparsity.analysis.json.Json.asObject;
import static sparsity.analysis.json.Json.asString;

/**
 * The "post_processor" section of a tokenizer.json for single texts: the special tokens put
 * around a text ({@code [CLS] A [SEP]}, {@code <s> A </s>}) and byte-level offset trimming.
 *
 * @param template    what an encoding is made of, in order
 * @param trimOffsets leave the leading/trailing spaces of byte-level tokens out of their offsets
 */
record PostProcessor(List<Item> template, boolean trimOffsets) {

    /** A template item: the text's own tokens (ids == null) or special tokens. */
    record Item(long[] ids, String[] tokens, long typeId) {
        boolean isSequence() {
            return ids == null;
        }
    }

    static final PostProcessor NONE = new PostProcessor(List.of(new Item(null, null, 0)), false);

    PostProcessor {
        template = List.copyOf(template);
    }

    /** How many special tokens the template adds to a text. */
    int addedTokens() {
        int n = 0;
        for (Item i : template) if (!i.isSequence()) n += i.ids().length;
        return n;
    }

    static PostProcessor fromJson(Object json) {
        if (json == null) return NONE;
        Map<String, Object> o = asObject(json, "post_processor");
        String type = asString(o.get("type"), "post_processor.type");
        return switch (type) {
            case "TemplateProcessing" -> template(o);
            case "BertProcessing" -> around(pair(o.get("cls"), "cls"), pair(o.get("sep"), "sep"), false);
            case "RobertaProcessing" -> around(pair(o.get("cls"), "cls"), pair(o.get("sep"), "sep"),
                    o.get("trim_offsets") == null || asBoolean(o.get("trim_offsets"), "trim_offsets"));
            case "ByteLevel" -> new PostProcessor(NONE.template(),
                    o.get("trim_offsets") == null || asBoolean(o.get("trim_offsets"), "trim_offsets"));
            case "Sequence" -> {
                List<Item> template = NONE.template();
                boolean trim = false;
                for (Object p : asList(o.get("processors"), "post_processor.processors")) {
                    PostProcessor pp = fromJson(p);
                    if (pp.addedTokens() > 0) template = pp.template();
                    trim |= pp.trimOffsets();
                }
                yield new PostProcessor(template, trim);
            }
            default -> throw new UnsupportedTokenizerException("post_processor '" + type + "' is not supported "
                    + "(supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
        };
    }

    private static Object[] pair(Object json, String what) {
        List<Object> l = asList(json, "post_processor." + what);
        if (l.size() != 2) throw new IllegalArgumentException("post_processor." + what + " should be [token, id]");
        return new Object[] {asString(l.get(0), what), asLong(l.get(1), what)};
    }

    private static PostProcessor around(Object[] cls, Object[] sep, boolean trim) {
        return new PostProcessor(List.of(
                new Item(new long[] {(Long) cls[1]}, new String[] {(String) cls[0]}, 0),
                new Item(null, null, 0),
                new Item(new long[] {(Long) sep[1]}, new String[] {(String) sep[0]}, 0)), trim);
    }

    private static PostProcessor template(Map<String, Object> o) {
        Map<String, Item> specials = new LinkedHashMap<>();
        Object st = o.get("special_tokens");
        if (st != null) {
            for (var e : asObject(st, "post_processor.special_tokens").entrySet()) {
                Map<String, Object> s = asObject(e.getValue(), "special token " + e.getKey());
                List<Object> ids = asList(s.get("ids"), "special token " + e.getKey() + ".ids");
                List<Object> tokens = asList(s.get("tokens"), "special token " + e.getKey() + ".tokens");
                if (ids.size() != tokens.size()) {
                    throw new IllegalArgumentException("special token " + e.getKey() + " has " + ids.size() + " ids but "
                            + tokens.size() + " tokens");
                }
                long[] idArr = new long[ids.size()];
                String[] tokArr = new String[ids.size()];
                for (int i = 0; i < idArr.length; i++) {
                    idArr[i] = asLong(ids.get(i), "special token id");
                    tokArr[i] = asString(tokens.get(i), "special token");
                }
                specials.put(e.getKey(), new Item(idArr, tokArr, 0));
            }
        }
        List<Item> template = new ArrayList<>();
        for (Object piece : asList(o.get("single"), "post_processor.single")) {
            Map<String, Object> p = asObject(piece, "post_processor.single item");
            if (p.containsKey("Sequence")) {
                Map<String, Object> s = asObject(p.get("Sequence"), "Sequence");
                template.add(new Item(null, null, typeId(s)));
            } else if (p.containsKey("SpecialToken")) {
                Map<String, Object> s = asObject(p.get("SpecialToken"), "SpecialToken");
                String id = asString(s.get("id"), "SpecialToken.id");
                Item known = specials.get(id);
                if (known == null) {
                    throw new IllegalArgumentException("post_processor uses special token '" + id
                            + "', which its special_tokens do not define");
                }
                template.add(new Item(known.ids(), known.tokens(), typeId(s)));
            } else {
                throw new IllegalArgumentException("post_processor.single item should be a Sequence or a SpecialToken: " + p.keySet());
            }
        }
        long sequences = template.stream().filter(Item::isSequence).count();
        if (sequences != 1) {
            throw new IllegalArgumentException("post_processor.single should hold the text once, holds it " + sequences + " times");
        }
        return new PostProcessor(template, false);
    }

    private static long typeId(Map<String, Object> s) {
        Object t = s.get("type_id");
        return t == null ? 0 : asLong(t, "type_id");
    }
}
