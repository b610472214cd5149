package org.distill4j.cli;

import org.distill4j.config.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.report.RepeatReport;
import org.distill4j.report.RunReport;
import org.distill4j.report.SweepReport;
import org.distill4j.sweep.SweepState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code distill report}: plots and tables for a sweep directory or a run directory. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {
                "Write the report of a sweep (leaderboard.csv, sweep.json, objective/Pareto/per-parameter PNGs, "
                        + "report.html)",
                "of a train --repeat folder (accuracy.png, report.html: mean ± sd per model, the paired gain and "
                        + "its 95%% interval, one row per run),",
                "or of a run (loss.png, accuracy.png, report.html) into its directory, print the leaderboard or "
                        + "table, and the HTML path."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR",
            description = "A sweep directory (experiments/sweeps/<name>/<id>), a repeat folder or a run directory.")
    Path dir;

    @Option(names = "--top", paramLabel = "N", description = "Leaderboard rows to print (default: 10).")
    int top = 10;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        if (Files.isRegularFile(dir.resolve(SweepState.FILE))) {
            Path html = SweepReport.write(dir);
            String[] lines = Files.readString(dir.resolve(SweepReport.CSV)).split("\n");
            for (int i = 0; i < Math.min(lines.length, top + 1); i++) {
                out.println(lines[i]);
            }
            if (lines.length > top + 1) {
                out.println("... " + (lines.length - top - 1) + " more rows in " + dir.resolve(SweepReport.CSV));
            }
            out.println(html);
        } else if (RepeatReport.isRepeatDir(dir)) {
            Path html = RepeatReport.write(dir);
            org.distill4j.run.RepeatSummary.read(dir).lines().forEach(out::println);
            out.println(html);
        } else if (RunReport.isRunDir(dir)) {
            out.println(RunReport.write(dir));
        } else {
            throw new InputException(InputException.Kind.ARGUMENT, dir + " is neither a sweep directory (state.json), "
                    + "a repeat folder (aggregate.json) nor a run directory (provenance.json, config.resolved.yaml)");
        }
        out.flush();
        return DistillCli.EXIT_OK;
    }
}
