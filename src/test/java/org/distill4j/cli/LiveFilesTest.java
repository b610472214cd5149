package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distill4j.run.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveFilesTest {
    /** A writer rewrites a file atomically (temporary file + rename) as fast as it can while the directory is searched. */
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
}
