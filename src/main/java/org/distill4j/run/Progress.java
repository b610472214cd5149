package org.distill4j.run;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Progress for long loops. On a terminal a bar redraws in place on stderr; without one (CI, a Slurm job,
 * output piped to a file) a loop that runs longer than 30 seconds logs a progress line every 30 seconds
 * instead, so logs stay readable. {@code -Ddistill4j.progress=false} forces the log form.
 */
public abstract class Progress implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger("progress");
    static final long LOG_INTERVAL_NANOS = 30_000_000_000L;

    public abstract void step(long n);

    public void step() {
        step(1);
    }

    /** A short status shown after the counter (e.g. the current loss). */
    public abstract void message(String message);

    @Override
    public abstract void close();

    static boolean interactive() {
        return System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI"))
                && !"false".equalsIgnoreCase(System.getProperty("distill4j.progress"));
    }

    public static Progress steps(String task, long total, String unit) {
        return interactive() ? new Bar(task, total, unit, 1) : new Logged(task, total, unit, 1);
    }

    public static Progress bytes(String task, long total) {
        return interactive() ? new Bar(task, total, "MiB", 1 << 20) : new Logged(task, total, "MiB", 1 << 20);
    }

    private static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(String task, long total, String unit, long unitSize) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).showSpeed()
                    .setUnit(" " + unit, unitSize)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err, 110)).build();
        }

        @Override
        public void step(long n) {
            bar.stepBy(n);
        }

        @Override
        public void message(String message) {
            bar.setExtraMessage(" " + message);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    private static final class Logged extends Progress {
        private final String task;
        private final long total;
        private final String unit;
        private final long unitSize;
        private final long start = System.nanoTime();
        private long last = start;
        private long done;
        private String message = "";

        Logged(String task, long total, String unit, long unitSize) {
            this.task = task;
            this.total = total;
            this.unit = unit;
            this.unitSize = unitSize;
        }

        @Override
        public void step(long n) {
            done += n;
            long now = System.nanoTime();
            if (now - last >= LOG_INTERVAL_NANOS) {
                last = now;
                double s = (now - start) / 1e9;
                LOG.info(String.format("%s: %d/%d %s (%.0f%%), %.1f %s/s, %s elapsed %s", task, done / unitSize,
                        total < 0 ? -1 : total / unitSize, unit, total > 0 ? 100.0 * done / total : 0.0,
                        done / unitSize / s, unit, String.format("%.0fs", s), message));
            }
        }

        @Override
        public void message(String message) {
            this.message = message;
        }

        @Override
        public void close() {
            // the caller logs the outcome
        }
    }
}
