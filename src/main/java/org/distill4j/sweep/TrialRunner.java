package org.distill4j.sweep;

import org.distill4j.config.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.ConfigLoader;
import org.distill4j.pipeline.Pipeline;
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
        Path last = TrialDirs.latestRun(trialDir);
        if (last != null) {
            if (RunProvenance.read(last).status() == RunProvenance.Status.COMPLETED) {
                return last;
            }
            if (Files.isDirectory(last.resolve("checkpoints"))) {
                return Pipeline.resume(last, plugins, List.of("distill", "trial", trialDir.toString()));
            }
        }
        // the run goes below the trial directory wherever the trial process starts (a resumed
        // sweep's working directory may differ)
        return Pipeline.run(ConfigLoader.load(cfg, List.of("output.dir=" + Json.line(trialDir.toString())),
                plugins.schema()), plugins, List.of(), List.of("distill", "trial", trialDir.toString()));
    }
}
