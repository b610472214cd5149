package org.distill4j.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.InputException;
import org.distill4j.run.Json;

/**
 * Why a trial's process failed before its run directory said so itself ({@code trials/<id>/error.json}): an invalid
 * trial config, a dataset that cannot be read. Written by the trial JVM, read by the sweep, so that a trial's
 * failure is learnt from a record, never from its log text.
 *
 * @param kind {@code config}, {@code data}, ... for the user's input ({@link InputException.Kind}), or {@code internal}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialError(String kind, String error) {
    public static final String FILE = "error.json";

    public static TrialError of(Throwable t) {
        InputException in = InputException.in(t);
        return in != null ? new TrialError(in.kind().yaml(), in.getMessage())
                : new TrialError("internal", t.getClass().getSimpleName() + ": " + t.getMessage());
    }

    /** The record a trial left in {@code trialDir}, or null. */
    public static TrialError read(Path trialDir) throws IOException {
        Path f = trialDir.resolve(FILE);
        return Files.isRegularFile(f) ? Json.MAPPER.readValue(f.toFile(), TrialError.class) : null;
    }

    public void write(Path trialDir) throws IOException {
        Json.write(trialDir.resolve(FILE), this);
    }

    public static void clear(Path trialDir) throws IOException {
        Files.deleteIfExists(trialDir.resolve(FILE));
    }
}
