package org.distill4j.run;

import java.util.concurrent.Callable;

/**
 * Work during which Ctrl-C or SIGTERM should run {@code onShutdown} first (the JVM's shutdown
 * hooks); removed once the work ends.
 */
public final class ShutdownHook {
    private ShutdownHook() {
    }

    /** Runs {@code work} with {@code onShutdown} registered as a shutdown hook named {@code name}. */
    public static <T> T during(String name, Runnable onShutdown, Callable<T> work) throws Exception {
        Thread hook = new Thread(onShutdown, name);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.call();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is shutting down and the hook is running
            }
        }
    }
}
