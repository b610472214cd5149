package org.distill4j.run;

/**
 * Named points where a crash is most harmful, for the tests of crash safety: started with {@code
 * -Ddistill4j.fault=<point>}, the process halts there at once (exit 137, as if killed; no shutdown hooks, no
 * flushing), so a test can resume from exactly that state. Without the property a point does nothing.
 */
public final class Faults {
    /** The property naming the point to halt at. */
    public static final String PROPERTY = "distill4j.fault";

    private Faults() {
    }

    /** Halts the JVM if {@code point} is the one {@link #PROPERTY} names. */
    public static void point(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            Runtime.getRuntime().halt(137);
        }
    }
}
