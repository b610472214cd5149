package org.distill4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direction of dependencies between the packages of {@code src/main}, read from the source: every reference to an
 * {@code org.distill4j} type (imports and fully qualified names; comments and string literals do not count).
 */
class PackageDependencyTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("org\\.distill4j\\.((?:[a-z][a-z0-9]*\\.)*)[A-Z]");

    /** Package (without {@code org.distill4j.}) → the distill4j packages its classes refer to. */
    static Map<String, Set<String>> graph(Path root) {
        Map<String, Set<String>> g = new TreeMap<>();
        Path base = root.resolve("org/distill4j");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = base.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code(Files.readString(f)));
                while (m.find()) {
                    String dep = m.group(1).isEmpty() ? "" : m.group(1).substring(0, m.group(1).length() - 1);
                    if (!dep.equals(pkg)) {
                        deps.add(dep);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return g;
    }

    /** Java source without comments, string and text-block literals and character literals. */
    static String code(String src) {
        return src.replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"")
                .replaceAll("'(?:\\\\.|[^'\\\\\\n])'", "' '")
                .replaceAll("//[^\\n]*", "");
    }

    /** A cycle in {@code g} as a list of packages (first = last), or null. */
    static List<String> cycle(Map<String, Set<String>> g) {
        Map<String, Integer> state = new TreeMap<>();
        for (String start : g.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> c = visit(start, g, state, path);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static List<String> visit(String p, Map<String, Set<String>> g, Map<String, Integer> state,
            Deque<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) {
            return null;
        }
        if (s != null && s == 1) {
            List<String> c = new ArrayList<>();
            boolean in = false;
            for (var it = path.descendingIterator(); it.hasNext(); ) {
                String q = it.next();
                in |= q.equals(p);
                if (in) {
                    c.add(q);
                }
            }
            c.add(p);
            return c;
        }
        state.put(p, 1);
        path.push(p);
        for (String d : g.getOrDefault(p, Set.of())) {
            List<String> c = visit(d, g, state, path);
            if (c != null) {
                return c;
            }
        }
        path.pop();
        state.put(p, 2);
        return null;
    }

    @Test
    void noPackageCycle() {
        assertEquals(null, cycle(graph(MAIN)));
    }

    @Test
    void configImportsNoDistill4jPackage() {
        assertEquals(Set.of(), graph(MAIN).get("config"));
    }

    @Test
    void nothingBelowThePipelineImportsIt() {
        Map<String, Set<String>> g = graph(MAIN);
        Set<String> importers = new TreeSet<>();
        g.forEach((p, deps) -> {
            if (deps.contains("pipeline")) {
                importers.add(p);
            }
        });
        assertEquals(Set.of("cli", "sweep"), importers);
        Set<String> pluginImporters = new TreeSet<>();
        g.forEach((p, deps) -> {
            if (deps.contains("plugins")) {
                pluginImporters.add(p);
            }
        });
        assertEquals(Set.of("cli", "pipeline", "sweep"), pluginImporters);
    }

    @Test
    void stagesSeeTheSpiAndLowerTiersOnly() {
        Map<String, Set<String>> g = graph(MAIN);
        Set<String> upper = Set.of("pipeline", "plugins", "sweep", "report", "cli");
        List<String> stages = g.keySet().stream().filter(p -> p.startsWith("stage.")).toList();
        assertTrue(stages.size() >= 7, stages.toString());
        for (String s : stages) {
            for (String d : g.get(s)) {
                assertTrue(!upper.contains(d) && !d.startsWith("stage."), s + " imports " + d);
            }
        }
        for (String d : g.get("spi")) {
            assertTrue(!upper.contains(d) && !d.startsWith("stage."), "spi imports " + d);
        }
    }

    /**
     * The checks above can fail: a cycle, and a reference hidden from them by a comment or a string, are told apart.
     */
    @Test
    void theReaderFindsCyclesAndIgnoresCommentsAndStrings(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectories(dir.resolve("org/distill4j/a"));
        Path b = Files.createDirectories(dir.resolve("org/distill4j/b"));
        Files.writeString(a.resolve("A.java"), "package org.distill4j.a;\nimport org.distill4j.b.B;\n"
                + "/** {@link org.distill4j.c.C} */ class A { String s = \"org.distill4j.d.D\"; }\n");
        Files.writeString(b.resolve("B.java"), "package org.distill4j.b;\nclass B { org.distill4j.a.A a; // "
                + "org.distill4j.e.E\n}\n");
        Map<String, Set<String>> g = graph(dir);
        assertEquals(Map.of("a", Set.of("b"), "b", Set.of("a")), g);
        assertEquals(List.of("a", "b", "a"), cycle(g));
    }
}
