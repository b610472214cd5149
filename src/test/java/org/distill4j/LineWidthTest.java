package org.distill4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No line of a {@code .java} file under {@code src/main/java} or {@code src/test/java} is wider than
 * {@value #MAX} characters (STYLE.md). Lines inside a text block are data and exempt; the line that closes a text
 * block is checked like code.
 */
class LineWidthTest {
    static final int MAX = 120;
    private static final List<Path> ROOTS = List.of(Path.of("src/main/java"), Path.of("src/test/java"));

    @Test
    void noLineIsWiderThanTheStyleGuideAllows() {
        List<String> tooLong = new ArrayList<>();
        for (Path root : ROOTS) {
            tooLong.addAll(tooLong(root));
        }
        assertTrue(tooLong.isEmpty(), tooLong.size() + " line(s) longer than " + MAX + " characters:\n"
                + String.join("\n", tooLong));
    }

    /**
     * The check can fail: long lines of code are reported, a line of exactly {@value #MAX} characters and a long line
     * of text-block data are not, and quotes in string literals and comments open no text block.
     */
    @Test
    void longLinesAreReportedWithFileLineAndWidth(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p/Long.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "package p;\n"
                + "class Long {\n"
                + "    String fits = \"" + "y".repeat(MAX - 21) + "\";\n"
                + "    String block = \"\"\"\n"
                + "            " + "x".repeat(MAX + 5) + "\n"
                + "            \"\"\";\n"
                + "    String quotes = \"\\\"\\\"\\\"\" + \"" + "z".repeat(MAX) + "\";\n"
                + "    /* \"\"\" in a comment */\n"
                + "    String more = \"" + "w".repeat(MAX) + "\";\n"
                + "}\n");
        List<String> lines = Files.readAllLines(file);
        assertEquals(MAX, lines.get(2).length());
        assertEquals(List.of(file + ":7 (" + lines.get(6).length() + " chars)",
                file + ":9 (" + lines.get(8).length() + " chars)"), tooLong(dir));
    }

    /** {@code file:line (N chars)} for each line of a {@code .java} file below {@code root} wider than {@link #MAX}. */
    static List<String> tooLong(Path root) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String[] lines = Files.readString(f).split("\n", -1);
                Scanner s = new Scanner();
                for (int i = 0; i < lines.length; i++) {
                    boolean startsInTextBlock = s.inTextBlock;
                    s.scan(lines[i]);
                    int width = lines[i].codePointCount(0, lines[i].length());
                    if (width > MAX && !(startsInTextBlock && s.inTextBlock)) {
                        out.add(f + ":" + (i + 1) + " (" + width + " chars)");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Follows block comments and text blocks from line to line; string and character literals end on their line. */
    private static final class Scanner {
        boolean inTextBlock;
        boolean inBlockComment;

        void scan(String line) {
            int i = 0;
            while (i < line.length()) {
                if (inTextBlock) {
                    if (line.charAt(i) == '\\') {
                        i += 2;
                    } else if (line.startsWith("\"\"\"", i)) {
                        inTextBlock = false;
                        i += 3;
                    } else {
                        i++;
                    }
                } else if (inBlockComment) {
                    if (line.startsWith("*/", i)) {
                        inBlockComment = false;
                        i += 2;
                    } else {
                        i++;
                    }
                } else if (line.startsWith("//", i)) {
                    return;
                } else if (line.startsWith("/*", i)) {
                    inBlockComment = true;
                    i += 2;
                } else if (line.startsWith("\"\"\"", i)) {
                    inTextBlock = true;
                    i += 3;
                } else if (line.charAt(i) == '"' || line.charAt(i) == '\'') {
                    i = endOfLiteral(line, i);
                } else {
                    i++;
                }
            }
        }

        /** The index after the string or character literal that starts at {@code start}. */
        private static int endOfLiteral(String line, int start) {
            char quote = line.charAt(start);
            int i = start + 1;
            while (i < line.length() && line.charAt(i) != quote) {
                i += line.charAt(i) == '\\' ? 2 : 1;
            }
            return i + 1;
        }
    }
}
