package sparsity.analysis.json;

/**
 * Bad JSON, or a JSON document whose content is not what a reader expected. For syntax errors
 * the line, column (1-based) and character offset (0-based) say where; otherwise they are -1.
 */
public final class JsonException extends RuntimeException {

    private final int line;
    private final int column;
    private final int offset;

    public JsonException(String message) {
        this(message, -1, -1, -1);
    }

    public JsonException(String message, int line, int column, int offset) {
        super(message);
        this.line = line;
        this.column = column;
        this.offset = offset;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public int offset() {
        return offset;
    }
}
