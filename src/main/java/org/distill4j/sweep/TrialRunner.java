package org.distill4j.sweep;

import org.distill4j.config.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.ConfigLoader;
import org.distill4j.pipeline.Pipeline;
import org.distill4j.pipeline.Repeats;
import org.distill4j.plugins.Plugins;
import org.distill4j.run.Json;
import org.distill4j.run.RunProvenance;

/**
 * One trial inside its JVM: a fresh run of {@code config.yaml}, or, when an earlier attempt left a run directory
 * with checkpoints (a killed process, a cancelled or preempted Slurm task), that run continued from its last one.
 */
public final class TrialRunner {
    private TrialRunner() {
    }

    public static Path run(Path dir, Plugins plugins) throws Exception {
        Path trialDir = dir.toAbsolutePath().normalize();
        Path cfg = trialDir.resolve(TrialDirs.CONFIG);
        if (!Files.isRegularFile(cfg)) {
            throw new InputException(InputException.Kind.ARGUMENT, trialDir + " is not a trial directory (no "
                    + TrialDirs.CONFIG + ")");
        }
        return org.distill4j.run.ExclusiveLock.holding(trialDir.resolve(".lock"),
                () -> new InputException(InputException.Kind.ARGUMENT,
                        "trial " + trialDir + " is already running in another process"),
                () -> {
                    TrialError.clear(trialDir);
                    try {
                        return runLocked(trialDir, cfg, plugins);
                    } catch (Exception | Error e) {
                        TrialError.of(e).write(trialDir);
                        throw e;
                    }
                });
    }

    private static Path runLocked(Path trialDir, Path cfg, Plugins plugins) throws Exception {
        int n = TrialDirs.repeats(trialDir);
        if (n > 1) {
            return runRepeats(trialDir, cfg, n, plugins);
        }
        List<String> command = List.of("distill", "trial", trialDir.toString());
        Path last = TrialDirs.latestRun(trialDir);
        Path kept = last == null ? null : continued(last, plugins, command);
        if (kept != null) {
            return kept;
        }
        // the run goes below the trial directory wherever the trial process starts (a resumed
        // sweep's working directory may differ)
        return Pipeline.run(ConfigLoader.load(cfg, List.of("output.dir=" + Json.line(trialDir.toString())),
                plugins.schema()), plugins, List.of(), command);
    }

    /**
     * An earlier attempt's run directory carried on: itself when it completed, resumed from its last checkpoint when
     * it has one; null when it must start again (no run there, or stopped before its first checkpoint).
     */
    private static Path continued(Path run, Plugins plugins, List<String> command) throws Exception {
        if (!Files.isRegularFile(run.resolve(RunProvenance.FILE))) {
            return null;
        }
        if (RunProvenance.read(run).status() == RunProvenance.Status.COMPLETED) {
            return run;
        }
        return Files.isDirectory(run.resolve("checkpoints")) ? Pipeline.resume(run, plugins, command) : null;
    }

    /**
     * A repeated trial: runs {@code r0 .. r<n−1>} under the seeds {@code train --repeat} gives (each finished run
     * kept, one with checkpoints continued, one stopped before its first checkpoint started again), then the
     * trial's {@code aggregate.json}. Returns the trial directory.
     */
    private static Path runRepeats(Path trialDir, Path cfg, int n, Plugins plugins) throws Exception {
        List<String> command = List.of("distill", "trial", trialDir.toString());
        long master = ConfigLoader.load(cfg, List.of(), plugins.schema()).seed();
        for (int i = 0; i < n; i++) {
            Path run = TrialDirs.repeatRun(trialDir, i);
            if (continued(run, plugins, command) != null) {
                continue;
            }
            if (Files.exists(run)) {
                org.distill4j.run.AtomicFiles.deleteTree(run);
            }
            List<String> seed = List.of("seed=" + Repeats.seed(master, i));
            Pipeline.run(ConfigLoader.load(cfg, seed, plugins.schema()), plugins, seed, command,
                    Pipeline.Events.NONE, run);
        }
        Repeats.aggregate(trialDir, plugins.schema()).write(trialDir);
        return trialDir;
    }
}
