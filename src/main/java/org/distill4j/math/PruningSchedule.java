package org.distill4j.math;

/**
 * Gradual pruning schedule of Zhu &amp; Gupta (2017), "To prune, or not to prune":
 * <pre>
 *   s_t = s_f + (s_i − s_f) · (1 − (t − t0) / (n·Δt))³   for t = t0, t0 + Δt, ..., t0 + n·Δt = end
 * </pre>
 * Sparsity is 0 before {@code begin}, follows the cubic at every pruning step (every {@code frequency} steps from
 * {@code begin}), holds its last value between pruning steps, and is {@code finalSparsity} from {@code end} on.
 */
public record PruningSchedule(double initialSparsity, double finalSparsity, long begin, long end, long frequency) {
    public PruningSchedule {
        if (!(initialSparsity >= 0 && initialSparsity < 1) || !(finalSparsity >= 0 && finalSparsity < 1)) {
            throw new IllegalArgumentException("sparsities must be in [0, 1), got " + initialSparsity + " and "
                    + finalSparsity);
        }
        if (initialSparsity > finalSparsity) {
            throw new IllegalArgumentException("initial sparsity " + initialSparsity + " exceeds final sparsity "
                    + finalSparsity);
        }
        if (begin < 0 || end < begin || frequency < 1) {
            throw new IllegalArgumentException("need 0 <= begin <= end and frequency >= 1, got begin " + begin
                    + ", end " + end + ", frequency " + frequency);
        }
    }

    /** True at the steps where masks are recomputed: begin, begin + Δt, ..., up to end, and end itself. */
    public boolean isPruningStep(long step) {
        return step >= begin && step <= end && ((step - begin) % frequency == 0 || step == end);
    }

    /** The target sparsity in force at {@code step}. */
    public double sparsityAt(long step) {
        if (step < begin) {
            return 0.0;
        }
        if (step >= end) {
            return finalSparsity;
        }
        long last = begin + (step - begin) / frequency * frequency;
        double progress = (double) (last - begin) / (end - begin);
        double r = 1.0 - progress;
        return finalSparsity + (initialSparsity - finalSparsity) * r * r * r;
    }
}
