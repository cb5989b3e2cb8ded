package sparsity.analysis.input;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text inputs: a UTF-8 file with one text per line, or pasted text. Blank lines are skipped;
 * each text keeps the number of the line it came from (1-based).
 */
public final class TextInputs {

    /** One text and the line it came from. */
    public record Line(int lineNumber, String text) {
    }

    private TextInputs() {
    }

    /**
     * Reads a file with one text per line. Line ends may be \n, \r\n or \r; a leading byte-order
     * mark is skipped; lines are kept as they are except for the line end.
     *
     * @throws IOException a missing file, or a line that is not UTF-8, naming the line and the byte
     */
    public static List<Line> readFile(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Line> out = new ArrayList<>();
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) start = 3;
        int lineNumber = 1;
        int i = start;
        while (start < bytes.length) {
            while (i < bytes.length && bytes[i] != '\n' && bytes[i] != '\r') i++;
            String text;
            try {
                text = decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start)).toString();
            } catch (MalformedInputException e) {
                int at = firstBadByte(bytes, start, i);
                throw new IOException(file + ": line " + lineNumber + " is not valid UTF-8 (byte " + (at - start + 1)
                        + " of the line, offset " + at + " in the file, value 0x" + String.format("%02X", bytes[at] & 0xFF)
                        + "); save the file as UTF-8");
            } catch (CharacterCodingException e) {
                throw new IOException(file + ": line " + lineNumber + " cannot be decoded: " + e.getMessage());
            }
            if (!text.isBlank()) out.add(new Line(lineNumber, text));
            if (i < bytes.length && bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') i++;
            i++;
            start = i;
            lineNumber++;
        }
        return out;
    }

    /** The texts of a file, without line numbers. */
    public static List<String> readTexts(Path file) throws IOException {
        return texts(readFile(file));
    }

    /** Pasted text: one text per line, blank lines skipped. */
    public static List<Line> fromPasted(String pasted) {
        List<Line> out = new ArrayList<>();
        String[] lines = pasted.split("\r\n|\r|\n", -1);
        for (int k = 0; k < lines.length; k++) {
            String l = k == 0 && lines[k].startsWith("\uFEFF") ? lines[k].substring(1) : lines[k];
            if (!l.isBlank()) out.add(new Line(k + 1, l));
        }
        return out;
    }

    /** Just the texts. */
    public static List<String> texts(List<Line> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (Line l : lines) out.add(l.text());
        return out;
    }

    /** The offset of the first byte in [from, to) where UTF-8 decoding fails. */
    private static int firstBadByte(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            int n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            if (n == 0 || i + n > to) return i;
            for (int k = 1; k < n; k++) if ((b[i + k] & 0xC0) != 0x80) return i;
            String s = new String(b, i, n, StandardCharsets.UTF_8);
            if (s.contains("\uFFFD")) return i; // overlong or surrogate forms
            i += n;
        }
        return Math.max(from, to - 1);
    }
}
