package org.distill4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.sweep.Sweep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill sweep}: runs a search over config keys, each trial its own run, here or on a Slurm cluster. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {
                "Run a sweep: trials drawn by grid, random or genetic search over config keys, each an ordinary run",
                "directory. Writes experiments/sweeps/<name>/<timestamp>-<hash>/ (state.json, trials/, "
                        + "leaderboard.csv,",
                "sweep.json, report.html) and prints its path. --resume continues an interrupted or cancelled sweep:",
                "unfinished trials run again from their last checkpoint, failed ones are kept (--retry-failed runs "
                        + "them too).",
                "Exit 0 when the sweep completed, 1 when trials remain unfinished."})
final class SweepCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Sweep file (YAML), e.g. configs/sweeps/mlp_t_bits_sparsity.yaml.")
    Path config;

    @Option(names = "--resume", paramLabel = "SWEEP_DIR", description = "Continue this sweep.")
    Path resume;

    @Option(names = "--executor", paramLabel = "local|slurm",
            description = "Where trials run (default: the sweep file's executor.type, else local).")
    String executor;

    @Option(names = "--workers", paramLabel = "N", description = "Local executor: trials at once (default: "
            + "executor.workers, else cores / threads within memory).")
    Integer workers;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "Where the sweep directory goes (default: the sweep file's output.dir, experiments/sweeps).")
    Path outputDir;

    @Option(names = "--retry-failed", description = "With --resume: run failed trials again too.")
    boolean retryFailed;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((config == null) == (resume == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either --config FILE or --resume SWEEP_DIR");
        }
        if (outputDir != null && resume != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--output-dir goes with --config; a resumed sweep stays in its directory");
        }
        if (retryFailed && resume == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--retry-failed goes with --resume");
        }
        if (workers != null && workers < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be >= 1, got " + workers);
        }
        Sweep.ExecutorChoice choice = new Sweep.ExecutorChoice(executor, workers);
        Path dir = resume != null ? Sweep.resume(resume, cli.plugins(), choice, retryFailed)
                : Sweep.start(config, cli.plugins(), choice, outputDir);
        try {
            org.distill4j.report.SweepReport.write(dir);
        } catch (Exception | Error e) {
            spec.commandLine().getErr().println("warning: the report could not be written (" + e
                    + "); try: distill report " + dir);
        }
        spec.commandLine().getOut().println(dir);
        String status = org.distill4j.sweep.SweepState.read(dir).status;
        return status.equals("completed") ? DistillCli.EXIT_OK : DistillCli.EXIT_ERROR;
    }
}
