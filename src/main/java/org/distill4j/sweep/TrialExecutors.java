package org.distill4j.sweep;

import java.nio.file.Path;
import org.distill4j.config.ConfigException;
import org.distill4j.config.SweepConfig;
import org.distill4j.registry.Registry;
import org.distill4j.run.Machine;

/** The executor registry: {@code local} and {@code slurm}. */
public final class TrialExecutors {
    /** Builds an executor for a sweep directory. */
    interface Factory {
        TrialExecutor create(SweepConfig cfg, Sweep.ExecutorChoice choice);
    }

    private static final Registry<Factory> REGISTRY = new Registry<Factory>("executor")
            .register("local", TrialExecutors::local)
            .register("slurm", TrialExecutors::slurm);

    private TrialExecutors() {
    }

    /**
     * The executor named on the command line, else the one the sweep ran with before ({@code previous}), else the
     * sweep file's {@code executor.type}.
     */
    static TrialExecutor create(SweepConfig cfg, Sweep.ExecutorChoice choice, String previous) {
        String type = choice != null && choice.type() != null ? choice.type()
                : previous != null ? previous : cfg.executor().type();
        String where = choice != null && choice.type() != null ? "--executor" : "executor.type";
        return REGISTRY.get(type, where).create(cfg, choice);
    }

    private static LocalExecutor local(SweepConfig cfg, Sweep.ExecutorChoice choice) {
        SweepConfig.ExecutorConfig e = cfg.executor();
        int cores = Runtime.getRuntime().availableProcessors();
        Integer workers = choice != null && choice.workers() != null ? choice.workers() : e.workers();
        int threads = e.threads() != null ? e.threads() : workers != null ? Math.max(1, cores / workers) : 1;
        if (workers == null) {
            Long mem = Machine.kiloBytesField(Path.of("/proc/meminfo"), "MemTotal:");
            workers = LocalExecutor.defaultWorkers(cores, mem == null ? 4096 : mem / (1024 * 1024), threads,
                    e.memoryMb());
        }
        return new LocalExecutor(workers, new TrialLauncher(e.javaOpts(), e.memoryMb(), threads));
    }

    private static SlurmExecutor slurm(SweepConfig cfg, Sweep.ExecutorChoice choice) {
        if (choice != null && choice.workers() != null) {
            throw new ConfigException("--workers", "applies to the local executor; for Slurm set slurm.max_concurrent");
        }
        SlurmExecutor.checkInstalled();
        SweepConfig.ExecutorConfig e = cfg.executor();
        int threads = e.threads() != null ? e.threads() : cfg.slurm().cpusPerTask();
        return new SlurmExecutor(cfg.name(), cfg.slurm(), e.memoryMb(),
                new TrialLauncher(e.javaOpts(), e.memoryMb(), threads));
    }
}
