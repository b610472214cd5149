package org.distill4j.run;

import java.nio.file.Path;

/** Where distill4j runs from. */
public final class Env {
    private Env() {
    }

    /**
     * The distill4j home (the checkout): -Ddistill4j.home, $DISTILL4J_HOME (set by the launcher),
     * else the working directory.
     */
    public static Path home() {
        String h = System.getProperty("distill4j.home", System.getenv("DISTILL4J_HOME"));
        return Path.of(h == null || h.isBlank() ? "." : h);
    }
}
