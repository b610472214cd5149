package org.distill4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.config.ConfigLoader;
import org.distill4j.pipeline.Pipeline;
import org.distill4j.pipeline.Repeats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill train}: runs a config's stages end to end into a new run directory, or resumes an interrupted run. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Run a config end to end: train/load the teacher, distill, prune, quantize, export, evaluate.",
                "Writes experiments/<config-name>/<timestamp>-<hash>/ and prints its path.",
                "--resume <run-dir> continues an interrupted run from its last checkpoint (end of each epoch);",
                "--resume <repeat-folder> continues a repeat: keeps its completed runs, resumes the stopped one and"
                        + " runs the rest; a second process resuming the same repeat (one core each) shares its runs.",
                "--repeat N runs the config N times under N seeds into <output>/<config-name>/repeat-<stamp>-<hash>/"
                        + " (runs r0, r1, ... and aggregate.json) and prints that folder's path."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Run config (YAML).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. stages.distill.temperature=8 or seed=7 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue this interrupted run, or repeat folder (its own config; no --config or --set).")
    Path resume;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Run the config N >= 2 times, under N seeds (run 0 keeps the config's seed), one after the "
                    + "other, and write aggregate.json: each model's test accuracy (mean, sd, min, max) and the "
                    + "distilled student's gain over the baseline with its 95%% confidence interval.")
    Integer repeat;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Says on stderr where the run is as soon as its directory exists (stdout carries only the run directory, at the
     * end), and, when a signal stops it, how to continue.
     */
    private Repeats.Events events() {
        PrintWriter err = spec.commandLine().getErr();
        return new Repeats.Events() {
            @Override
            public void started(Path dir) {
                err.println("run directory: " + dir);
                err.flush();
            }

            @Override
            public void stopped(Path dir, boolean marked) {
                err.println("distill: stopped; continue with: distill train --resume " + dir
                        + (marked ? "" : " (provenance.json could not be marked interrupted)"));
                if (repeat != null || (resume != null && Files.isRegularFile(resume.resolve(Repeats.MANIFEST)))) {
                    err.println("distill: the repeat's later runs were not run; continue the whole repeat with: "
                            + "distill train --resume " + dir.getParent());
                }
                err.flush();
            }

            @Override
            public void runStarting(Path repeatDir, int i, int n, long seed) {
                err.println("repeat: run " + (i + 1) + " of " + n + " (seed " + seed + ")");
                err.flush();
            }

            @Override
            public void runElsewhere(Path repeatDir, String run) {
                err.println("repeat: " + run + " is being run by another process; skipped here");
                err.flush();
            }

            @Override
            public void aggregatePartial(Path repeatDir, List<String> runs) {
                err.println("repeat: " + String.join(", ", runs) + (runs.size() == 1 ? " is" : " are")
                        + " not completed; aggregate.json counts the completed runs (the process that completes the"
                        + " last run writes the whole aggregate; distill aggregate " + repeatDir + " rewrites it)");
                err.flush();
            }

            @Override
            public void runFailed(Path repeatDir, Path runDir) {
                err.println("distill: the repeat stopped at " + runDir + "; its later runs were not run; distill "
                        + "aggregate " + repeatDir + " summarizes the runs there, and distill train --resume "
                        + repeatDir + " continues it");
                err.flush();
            }
        };
    }

    @Override
    public Integer call() throws Exception {
        if (repeat != null && resume != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat runs a config anew and cannot be "
                    + "used with --resume; continue a repeat with --resume <repeat-folder>");
        }
        if (repeat != null && repeat < 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat must be at least 2, got " + repeat);
        }
        if ((config == null) == (resume == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either --config FILE or --resume RUN_DIR");
        }
        if (resume != null) {
            if (!overrides.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--resume continues the run's own config; --set is not allowed with it");
            }
            List<String> cmd = List.of("distill", "train", "--resume", resume.toString());
            if (Files.isRegularFile(resume.resolve(Repeats.MANIFEST))) {
                return printed(Repeats.resume(resume, cli.plugins(), cmd, events()));
            }
            Path dir = Pipeline.resume(resume, cli.plugins(), cmd, events());
            spec.commandLine().getOut().println(dir);
            return DistillCli.EXIT_OK;
        }
        List<String> cmd = new ArrayList<>(List.of("distill", "train", "--config", config.toString()));
        for (String o : overrides) {
            cmd.add("--set");
            cmd.add(o);
        }
        if (repeat != null) {
            cmd.addAll(List.of("--repeat", repeat.toString()));
            return printed(Repeats.run(config, overrides, repeat, cli.plugins(), cmd, events()));
        }
        Path dir = Pipeline.run(ConfigLoader.load(config, overrides, cli.plugins().schema()), cli.plugins(),
                overrides, cmd, events());
        spec.commandLine().getOut().println(dir);
        return DistillCli.EXIT_OK;
    }

    /** Prints a repeat's aggregate (stderr) and folder (stdout). */
    private int printed(Repeats.Result r) {
        PrintWriter err = spec.commandLine().getErr();
        r.summary().lines().forEach(err::println);
        err.flush();
        spec.commandLine().getOut().println(r.dir());
        return DistillCli.EXIT_OK;
    }
}
