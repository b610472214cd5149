package org.distill4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Searching a directory that another process is writing. Atomic writes create and rename temporary files, so an
 * entry listed by {@link Files#walk} can be gone by the time its attributes are read; that is a retry, not an error.
 */
final class LiveFiles {
    private LiveFiles() {
    }

    /**
     * The first path below {@code root} (to {@code depth}) matching {@code match}, or null; retries
     * a walk that raced a rename.
     */
    static Path find(Path root, int depth, Predicate<Path> match) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (!Files.isDirectory(root)) {
                return null;
            }
            try (Stream<Path> s = Files.walk(root, depth)) {
                return s.filter(match).findFirst().orElse(null);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException) || attempt >= 20) {
                    throw e.getCause();
                }
            } catch (NoSuchFileException e) {
                if (attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    /**
     * Waits (up to five minutes) for a path ending in {@code target} below {@code root} while {@code p} runs, then
     * kills {@code p} (SIGKILL) and waits for it to end; returns the path, or null when {@code p} ended or time ran
     * out first.
     */
    static Path killWhenWritten(Process p, Path root, Path target) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        Path found = null;
        try {
            while (found == null && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                found = find(root, 7, x -> x.endsWith(target));
            }
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        return found;
    }
}
