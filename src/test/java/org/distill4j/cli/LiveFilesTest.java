package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.distill4j.run.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race {@link LiveFiles} handles, made deterministic: {@code Files.walk} lists a directory lazily, but the first
 * readdir of a small directory reads all its names in one system call, so files deleted after the walk's first child
 * are still listed and their attributes, read next, are gone.
 */
class LiveFilesTest {
    @Test
    void plainWalkFailsWhenAListedFileVanishes(@TempDir Path dir) throws IOException {
        Path root = withFiles(dir, "a.tmp", "b.tmp", "c.tmp");
        try (Stream<Path> s = Files.walk(root)) {
            Iterator<Path> it = s.iterator();
            assertEquals(root, it.next());
            it.next(); // the first child; the directory's other names are now read
            deleteChildren(root);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, it::next);
            assertInstanceOf(NoSuchFileException.class, e.getCause());
        }
    }

    /** The same race inside {@link LiveFiles#find}: the first walk fails, the retry sees the renamed file. */
    @Test
    void findRetriesAWalkWhoseListedFileVanished(@TempDir Path dir) throws IOException {
        Path root = withFiles(dir, "a.tmp", "b.tmp", "c.tmp");
        List<Path> tested = new ArrayList<>();
        Path found = LiveFiles.find(root, 1, p -> {
            tested.add(p);
            if (tested.size() == 2) { // the first child: as a writer would, rename the temporary files away
                try {
                    deleteChildren(root);
                    Files.writeString(root.resolve("state.json"), "{}");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            return p.getFileName().toString().equals("state.json");
        });
        assertEquals(root.resolve("state.json"), found);
        assertEquals(List.of(root, tested.get(1), root, found), tested, "the walk was retried from the root");
    }

    /**
     * A writer rewrites a file atomically (temporary file + rename) as fast as it can while the directory is searched.
     */
    @Test
    void findSurvivesFilesVanishingDuringTheWalk(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("a/b"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    AtomicFiles.writeString(run.resolve("state.json"), "{\"i\":" + i + "}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }
        });
        writer.start();
        try {
            for (int i = 0; i < 3000; i++) {
                assertEquals(null, LiveFiles.find(dir, 4, p -> p.getFileName().toString().equals("never")));
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    private static Path withFiles(Path dir, String... names) throws IOException {
        Path root = Files.createDirectories(dir.resolve("run"));
        for (String n : names) {
            Files.writeString(root.resolve(n), n);
        }
        return root;
    }

    private static void deleteChildren(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }
}
