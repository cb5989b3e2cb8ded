package sparsity.app.ui;

/** Makes node ids out of free text (file names, sample ids). */
final class FxIds {

    private FxIds() {
    }

    /** Letters, digits, '-' and '_' kept; everything else becomes '-'. */
    static String safe(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '-');
        }
        return sb.toString();
    }
}
