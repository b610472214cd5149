package org.distill4j.sweep;

import java.util.List;

/** Runs trials somewhere: each trial is one JVM running {@code distill trial <trial-dir>}. */
public interface TrialExecutor {
    /** What the executor tells the sweep as trials move along; calls may come from several threads. */
    interface Listener {
        /** The trial was handed to a scheduler ({@code job}: its Slurm id, e.g. {@code 1234_5}). */
        void submitted(Trial t, String job);

        void started(Trial t);

        void ended(Trial t, TrialDirs.Outcome outcome);

        /** The trial was stopped from outside (a cancelled job, an interrupted sweep); resume runs it again. */
        void cancelled(Trial t, String why);
    }

    String name();

    /**
     * Runs {@code trials} of the sweep in {@code sweepDir} and returns when every one has ended,
     * failed or been cancelled.
     */
    void run(java.nio.file.Path sweepDir, List<Trial> trials, Listener listener) throws Exception;
}
