package org.distill4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunTest {
    @TempDir
    Path dir;

    @Test
    void seedsAreStableAndIndependentPerComponent() {
        assertEquals(Seeds.derive(42, "teacher.init"), Seeds.derive(42, "teacher.init"));
        assertNotEquals(Seeds.derive(42, "teacher.init"), Seeds.derive(42, "student.init"));
        assertNotEquals(Seeds.derive(42, "teacher.init"), Seeds.derive(43, "teacher.init"));
        // SplitMix64 of 0 is a published constant (first output of SplitMix64 seeded with 0 is 0xe220a8397b1dcdaf)
        assertEquals(0xe220a8397b1dcdafL, Seeds.mix(0));
    }

    @Test
    void atomicWriteLeavesOldContentWhenTheWriterFails() throws IOException {
        Path f = dir.resolve("a.json");
        AtomicFiles.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void runDirectoryLayoutAndMetrics() throws IOException {
        RunDirectory rd = RunDirectory.create(dir, "cfg", "version: 1\n");
        assertTrue(rd.path().getFileName().toString().matches("\\d{8}-\\d{6}-[0-9a-f]{7}"), rd.path().toString());
        assertEquals(dir.resolve("cfg"), rd.path().getParent());
        RunDirectory second = RunDirectory.create(dir, "cfg", "version: 1\n");
        assertNotEquals(rd.path(), second.path());
        rd.appendMetrics(Map.of("epoch", 1));
        rd.appendMetrics(Map.of("epoch", 2));
        assertEquals("{\"epoch\":1}\n{\"epoch\":2}\n", Files.readString(rd.file("metrics.jsonl")));
    }
}
