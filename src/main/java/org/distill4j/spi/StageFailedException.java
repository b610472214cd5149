package org.distill4j.spi;

/**
 * A stage that ran as it should and found that its result does not hold (an export that ONNX Runtime does not run as
 * distill4j does): the command prints the message on one line, with no stack trace, and exits 1. The run directory
 * keeps everything written before the stage, so a changed config can resume from there.
 */
public final class StageFailedException extends RuntimeException {
    public StageFailedException(String message) {
        super(message);
    }

    /** The first {@code StageFailedException} in {@code t}'s cause chain, or null. */
    public static StageFailedException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StageFailedException e) {
                return e;
            }
        }
        return null;
    }
}
