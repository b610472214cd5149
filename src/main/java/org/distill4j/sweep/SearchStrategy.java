package org.distill4j.sweep;

import java.util.List;
import java.util.Map;

/**
 * Picks the next candidates of a sweep. A strategy is rebuilt from its seed and then told, in order, every
 * trial so far ({@link #replay}), so a resumed sweep asks the same questions an uninterrupted one would.
 */
public interface SearchStrategy {
    /** A candidate: config key → value, and the same point as [0, 1] coordinates. */
    record Point(Map<String, Object> params, double[] flat) {
    }

    /** The score of a finished trial as the strategy sees it (higher is better); null for a failed trial. */
    record Scored(Trial trial, Double score) {
    }

    /** Up to {@code max} new candidates (fewer when the strategy is exhausted; empty when done). */
    List<Point> next(int max);

    /** Results of trials this strategy proposed; genetic search breeds from them. */
    void report(List<Scored> results);

    /** Trials a previous sitting of this sweep already drew, in order, with the results known so far. */
    void replay(List<Trial> drawn, List<Scored> results);

    /** How many candidates the strategy hands out per round: all of a grid, a generation of a genetic search. */
    int batchSize(int remaining);

    /** The number of candidates the strategy can produce at most, or -1 when unbounded. */
    long size();
}
