package org.distill4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.OutputConfig;
import org.distill4j.config.RunConfig;
import org.distill4j.pipeline.Pipeline;
import org.distill4j.run.Reproduction;
import org.distill4j.run.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code distill reproduce}: re-runs a run from its own resolved config and compares the result metric by metric. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {
                "Re-run a completed run from its config.resolved.yaml into a new run directory, warn about "
                        + "what differs",
                "in its provenance (versions, commit, hardware, data checksums) and compare every metric.",
                "Exit 0 when all metrics are identical, 1 when some differ."})
final class ReproduceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR", description = "The run directory to reproduce.")
    Path run;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "Where the reproduction goes (default: beside the original, <output>/<name>/).")
    Path outputDir;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var inputs = Reproduction.inputs(run);
        String edited = Reproduction.configEdited(run);
        if (edited != null) {
            // up front: the reproduction takes as long as the run did
            spec.commandLine().getErr().println("warning: " + edited);
            spec.commandLine().getErr().flush();
        }
        RunConfig original = ConfigLoader.parseResolved(inputs.getKey(), cli.plugins().schema());
        Path root = outputDir != null ? outputDir : RunDirectory.outputRoot(run);
        RunConfig config = new RunConfig(original.version(), original.name(), original.seed(), original.dataset(),
                original.teacher(), original.student(), original.stages(),
                new OutputConfig(root.toString(), original.output().saveModels()));
        Path dir = Pipeline.run(config, cli.plugins(), List.of(), List.of("distill", "reproduce", run.toString()));
        Reproduction.Report report = Reproduction.compare(run, dir);
        spec.commandLine().getOut().print("reproduction of " + run + " in " + dir + "\n" + report.text());
        spec.commandLine().getOut().flush();
        return report.differing() == 0 ? DistillCli.EXIT_OK : DistillCli.EXIT_ERROR;
    }
}
