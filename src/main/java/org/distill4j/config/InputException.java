package org.distill4j.config;

/**
 * The user's input is wrong, not distill4j: a config, a data file, a model file, a command-line argument (a path that
 * is not a run directory), or the environment (no {@code sbatch} on PATH). The command line prints its message as one
 * line and exits with 2; anything else that goes wrong is an internal failure (exit 1, stack trace in a log file).
 */
public class InputException extends RuntimeException {
    /** Whose input it is: recorded as {@code error_kind} in a failed run's provenance and a trial's error record. */
    public enum Kind { CONFIG, DATA, MODEL_FILE, ARGUMENT, ENVIRONMENT;

        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    private final Kind kind;

    public InputException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public InputException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The input error behind {@code t} (itself or a cause), or null when there is none. */
    public static InputException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InputException e) {
                return e;
            }
        }
        return null;
    }
}
