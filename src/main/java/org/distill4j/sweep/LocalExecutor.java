package org.distill4j.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs trials on this machine, {@code workers} at a time, each as its own JVM with its own thread budget and
 * its output in {@code trial.log}. If the sweep is interrupted (Ctrl-C, SIGTERM) its trial processes are stopped
 * and recorded as cancelled, so {@code --resume} runs them again (from their last checkpoint).
 */
public final class LocalExecutor implements TrialExecutor {
    private static final Logger LOG = LogManager.getLogger(LocalExecutor.class);

    private final int workers;
    private final TrialLauncher launcher;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    /** Set when the sweep is stopping: no trial starts after it. */
    private boolean stopping;
    private volatile ExecutorService pool;

    public LocalExecutor(int workers, TrialLauncher launcher) {
        this.workers = workers;
        this.launcher = launcher;
    }

    /**
     * Default pool size: as many trials as cores allow at {@code threads} each, and as memory allows at
     * {@code memoryMb} each (1 GiB kept for the system and the sweep itself).
     */
    public static int defaultWorkers(int cores, long memTotalMb, int threads, int memoryMb) {
        int byCores = Math.max(1, cores / threads);
        int byMemory = (int) Math.max(1, (memTotalMb - 1024) / memoryMb);
        return Math.min(byCores, byMemory);
    }

    public int workers() {
        return workers;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void run(Path sweepDir, List<Trial> trials, Listener listener) throws Exception {
        LOG.info("running {} trial(s) on this machine, {} at a time, {} thread(s) each", trials.size(), workers,
                launcher.threads());
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "trial-worker");
            t.setDaemon(true);
            return t;
        });
        this.pool = pool;
        org.distill4j.run.ShutdownHook.during("sweep-shutdown", this::stopAll, () -> {
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Trial t : trials) {
                    futures.add(pool.submit(() -> {
                        runOne(sweepDir, t, listener);
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            return null;
        });
    }

    private void runOne(Path sweepDir, Trial t, Listener listener) throws Exception {
        Path dir = Sweep.trialDir(sweepDir, t);
        ProcessBuilder pb = new ProcessBuilder(launcher.command(dir));
        launcher.environment(pb.environment());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(TrialDirs.LOG).toFile()));
        Process p;
        synchronized (this) {
            if (stopping) {
                return;
            }
            try {
                p = pb.start();
            } catch (java.io.IOException e) {
                listener.started(t);
                listener.ended(t, new TrialDirs.Outcome(Trial.Status.FAILED,
                        "could not start the trial JVM: " + e.getMessage(), null, null));
                return;
            }
            running.add(p);
            listener.started(t);
        }
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            listener.cancelled(t, "the sweep was interrupted");
            Thread.currentThread().interrupt();
            return;
        } finally {
            running.remove(p);
        }
        synchronized (this) {
            if (stopping) {
                listener.cancelled(t, "the sweep was stopped (exit code " + rc + ")");
                return;
            }
        }
        TrialDirs.Outcome o;
        try {
            o = TrialDirs.read(dir, rc == 0 ? null : "exit code " + rc
                    + (rc == 137 ? ", killed" : rc == 143 ? ", terminated" : ""));
        } catch (java.io.IOException | RuntimeException e) {
            o = new TrialDirs.Outcome(Trial.Status.FAILED, "could not read the trial's result: " + e, null, null);
        }
        listener.ended(t, o);
    }

    private void stopAll() {
        synchronized (this) {
            stopping = true;
        }
        for (Process p : running) {
            p.destroy();
        }
        for (Process p : running) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ExecutorService pool = this.pool;
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(15, TimeUnit.SECONDS); // let the workers record their trials as cancelled
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
