package org.distill4j.run;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A run file could not be written (the disk is full, a quota is reached, the file system went read-only): the file
 * and the operating system's reason, as {@code cannot write <file>: No space left on device}. The environment's
 * fault, not distill4j's; the pipeline turns it into a one-line error that says how to continue the run.
 */
public final class CannotWriteException extends IOException {
    private final transient Path file;
    private final String reason;

    public CannotWriteException(Path file, IOException cause) {
        super("cannot write " + file + ": " + reasonOf(cause), cause);
        this.file = file;
        this.reason = reasonOf(cause);
    }

    public Path file() {
        return file;
    }

    /** The operating system's words, e.g. {@code No space left on device}. */
    public String reason() {
        return reason;
    }

    /** True when the reason is a full disk or a reached quota (more space lets the run go on). */
    public boolean outOfSpace() {
        String r = reason.toLowerCase(Locale.ROOT);
        return r.contains("no space left") || r.contains("quota");
    }

    /** {@code e} itself when it already names its file; otherwise {@code e} as a failure to write {@code file}. */
    public static CannotWriteException of(Path file, IOException e) {
        return e instanceof CannotWriteException c ? c : new CannotWriteException(file, e);
    }

    /** The first {@code CannotWriteException} behind {@code t} (itself or a cause), or null. */
    public static CannotWriteException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CannotWriteException e) {
                return e;
            }
        }
        return null;
    }

    private static String reasonOf(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "No such file or directory";
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "Permission denied";
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
