package org.distill4j.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs trials on this machine, {@code workers} at a time, each as its own JVM with its own thread budget and
 * its output in {@code trial.log}. If the sweep is interrupted (Ctrl-C, SIGTERM) its trial processes are stopped
 * and recorded as cancelled, so {@code --resume} runs them again (from their last checkpoint).
 */
public final class LocalExecutor implements TrialExecutor {
    private static final Logger LOG = LogManager.getLogger(LocalExecutor.class);

    private final Path sweepDir;
    private final int workers;
    private final TrialLauncher launcher;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    /** Set when the sweep is stopping: no trial starts after it. */
    private boolean stopping;

    public LocalExecutor(Path sweepDir, int workers, TrialLauncher launcher) {
        this.sweepDir = sweepDir;
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
    public void run(List<Trial> trials, Listener listener) throws Exception {
        LOG.info("running {} trial(s) on this machine, {} at a time, {} thread(s) each", trials.size(), workers, launcher.threads());
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "trial-worker");
            t.setDaemon(true);
            return t;
        });
        Thread hook = new Thread(this::stopAll, "sweep-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Trial t : trials) {
                futures.add(pool.submit(() -> {
                    runOne(t, listener);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    private void runOne(Trial t, Listener listener) throws Exception {
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
            listener.started(t);
            p = pb.start();
            running.add(p);
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
        if (rc == 143 || rc == 130) {
            listener.cancelled(t, "stopped by signal (exit code " + rc + ")");
            return;
        }
        listener.ended(t, TrialDirs.read(dir, rc == 0 ? null : "exit code " + rc + (rc == 137 ? ", killed" : "")));
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
    }
}
