package org.distill4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.sweep.TrialRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code distill trial}: what a sweep's executor runs for one trial (hidden from the command list). */
@Command(name = "trial", hidden = true, mixinStandardHelpOptions = true,
        description = {
                "Run one sweep trial from TRIAL_DIR/config.yaml, or continue it from its last checkpoint when an",
                "earlier attempt was interrupted. Executors start this; users run 'distill sweep'."})
final class TrialCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRIAL_DIR", description = "The trial's directory (<sweep>/trials/<id>).")
    Path trialDir;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println(TrialRunner.run(trialDir, cli.plugins()));
        return DistillCli.EXIT_OK;
    }
}
