package sparsity.analysis.input;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextInputsTest {

    @TempDir
    Path dir;

    @Test
    void oneTextPerLineBlankLinesSkippedLineNumbersKept() throws IOException {
        Path f = dir.resolve("texts.txt");
        Files.write(f, "\uFEFFfirst text\r\n\r\n   \nsecond, with é and 😀\rthird\n\n".getBytes(StandardCharsets.UTF_8));
        List<TextInputs.Line> lines = TextInputs.readFile(f);
        assertEquals(List.of(new TextInputs.Line(1, "first text"), new TextInputs.Line(4, "second, with é and 😀"),
                new TextInputs.Line(5, "third")), lines);
        assertEquals(List.of("first text", "second, with é and 😀", "third"), TextInputs.readTexts(f));
    }

    @Test
    void badEncodingNamesTheLine() throws IOException {
        Path f = dir.resolve("latin1.txt");
        byte[] latin1 = "ok line\nsecond ok\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, latin1);
        IOException e = assertThrows(IOException.class, () -> TextInputs.readFile(f));
        assertTrue(e.getMessage().contains("line 3 is not valid UTF-8 (byte 4 of the line, offset 21 in the file, value 0xE9)"),
                e.getMessage());
    }

    @Test
    void emptyFileGivesNoTexts() throws IOException {
        Path f = dir.resolve("empty.txt");
        Files.write(f, new byte[0]);
        assertEquals(List.of(), TextInputs.readFile(f));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> TextInputs.readFile(dir.resolve("missing.txt")));
    }

    @Test
    void pastedText() {
        assertEquals(List.of(new TextInputs.Line(1, "hello world"), new TextInputs.Line(3, "  second  ")),
                TextInputs.fromPasted("hello world\n\n  second  \n"));
        assertEquals(List.of("one"), TextInputs.texts(TextInputs.fromPasted("one")));
        assertEquals(List.of(), TextInputs.fromPasted(" \n\t\n"));
    }
}
