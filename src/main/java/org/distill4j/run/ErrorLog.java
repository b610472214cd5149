package org.distill4j.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Where the stack trace of an internal failure goes when no run log holds it: {@code ~/.distill4j/last-error.log}
 * (or {@code $DISTILL4J_ERROR_LOG}), overwritten by each failure, written atomically. The one-line message on the
 * terminal names the file.
 */
public final class ErrorLog {
    private ErrorLog() {
    }

    public static Path file() {
        String f = System.getenv("DISTILL4J_ERROR_LOG");
        return f != null && !f.isBlank() ? Path.of(f)
                : Path.of(System.getProperty("user.home"), ".distill4j", "last-error.log");
    }

    /** Writes {@code t}'s stack trace with the command line; returns the file, or null when it cannot be written. */
    public static Path write(Throwable t, List<String> commandLine) {
        StringWriter sw = new StringWriter();
        try (PrintWriter pw = new PrintWriter(sw)) {
            pw.println(Instant.now() + "  distill " + String.join(" ", commandLine));
            t.printStackTrace(pw);
        }
        Path f = file();
        try {
            java.nio.file.Files.createDirectories(f.toAbsolutePath().getParent());
            AtomicFiles.writeString(f, sw.toString());
            return f;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
