package org.distill4j.data;

/** A problem with input data (missing, corrupt, wrong checksum); the CLI reports it in one line, exit code 2. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
