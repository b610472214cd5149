package org.distill4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trial's outcome is read from the records it left, never from its log's text. */
class TrialDirsTest {
    @Test
    void aTrialThatFailedBeforeItsRunSaysWhyInItsErrorRecord(@TempDir Path trial) throws Exception {
        Files.writeString(trial.resolve(TrialDirs.LOG),
                "error: a line that looks like an error but is only log text\nbye\n");
        TrialDirs.Outcome none = TrialDirs.read(trial, "exit code 2");
        assertEquals(Trial.Status.FAILED, none.status());
        assertEquals("exit code 2; last log line: bye", none.reason());

        TrialError.of(new RuntimeException("wrapped", new DataException("dataset.path x does not hold the four files")))
                .write(trial);
        TrialDirs.Outcome recorded = TrialDirs.read(trial, "exit code 2");
        assertEquals("dataset.path x does not hold the four files", recorded.reason());
        assertEquals(new TrialError("data", "dataset.path x does not hold the four files"), TrialError.read(trial));
        assertEquals(new TrialError("internal", "IllegalStateException: boom"),
                TrialError.of(new IllegalStateException("boom")));
    }
}
