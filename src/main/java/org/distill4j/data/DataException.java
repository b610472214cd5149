package org.distill4j.data;

import org.distill4j.config.InputException;

/** A problem with input data (missing, corrupt, wrong checksum); the CLI reports it in one line, exit code 2. */
public class DataException extends InputException {
    public DataException(String message) {
        super(Kind.DATA, message);
    }

    public DataException(String message, Throwable cause) {
        super(Kind.DATA, message, cause);
    }
}
