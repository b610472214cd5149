package org.distill4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.pipeline.Repeats;
import org.distill4j.run.RepeatSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code distill aggregate}: writes a repeat folder's {@code aggregate.json} again from the runs now in it. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = {"Write aggregate.json of a train --repeat folder again from its run directories r0, r1, ... "
                + "(after resuming one that was stopped, say),",
                "print its table on stderr and the folder's path."})
final class AggregateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REPEAT_DIR", description = "A folder made by distill train --repeat.")
    Path dir;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RepeatSummary summary = Repeats.aggregate(dir, cli.plugins().schema());
        summary.write(dir);
        PrintWriter err = spec.commandLine().getErr();
        summary.lines().forEach(err::println);
        err.flush();
        spec.commandLine().getOut().println(dir);
        return DistillCli.EXIT_OK;
    }
}
