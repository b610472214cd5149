package org.distill4j.cli;

import org.distill4j.plugins.Plugins;
import java.io.PrintWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.InputException;
import org.distill4j.run.ErrorLog;
import org.distill4j.run.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code distill}: the command line. Exit codes: 0 success, 2 bad input ({@link InputException}: config, arguments,
 * data and model files, environment), 1 an internal failure. Errors are one line on stderr; an internal failure's
 * stack trace goes to the log (the run's {@code train.log} when a run is open) and to {@link ErrorLog#file()}, which
 * the line names.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, versionProvider = DistillCli.Version.class,
        description = "Knowledge distillation and model compression on Deeplearning4j.",
        subcommands = {TrainCommand.class, AggregateCommand.class, SweepCommand.class, ReportCommand.class,
                ReproduceCommand.class, TrialCommand.class, EvalCommand.class, ConfigCommand.class,
                ProfileCommand.class, BenchCommand.class, DoctorCommand.class, DataCommand.class,
                CommandLine.HelpCommand.class})
public final class DistillCli implements java.util.concurrent.Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(DistillCli.class);
    public static final int EXIT_OK = 0;
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Plugins plugins;

    private DistillCli(Plugins plugins) {
        this.plugins = plugins;
    }

    /** The stages, losses and architectures the commands bind and run configs with. */
    Plugins plugins() {
        return plugins;
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given output streams; returns the exit code (the tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(Plugins.BUILTIN, out, err, args);
    }

    /** {@link #execute(PrintWriter, PrintWriter, String...)} with other plugins (a test's own stage or loss). */
    public static int execute(Plugins plugins, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new DistillCli(plugins));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            InputException badInput = InputException.in(ex);
            if (badInput != null) {
                c.getErr().println("error: " + badInput.getMessage());
                return EXIT_BAD_INPUT;
            }
            org.distill4j.spi.StageFailedException failed = org.distill4j.spi.StageFailedException.in(ex);
            if (failed != null) {
                c.getErr().println("error: " + failed.getMessage());
                return EXIT_ERROR;
            }
            // the trace goes to the error log (and a run's train.log, written by the pipeline), not the terminal
            LOG.debug("internal error", ex);
            Path trace = ErrorLog.write(ex, List.of(args));
            c.getErr().println("error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                    + (trace == null ? "" : " (internal error; stack trace in " + trace + ")"));
            return EXIT_ERROR;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: out of memory: " + e.getMessage()
                    + "; give the JVM more, e.g. DISTILL4J_JAVA_OPTS=\"-Xmx4g "
                    + "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g\"");
            return EXIT_ERROR;
        }
    }

    /** {@code distill} without a command: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: missing command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_BAD_INPUT;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var p = Provenance.buildInfo();
            return new String[]{"distill4j " + p.getProperty("version", "unknown") + " (Deeplearning4j "
                    + p.getProperty("dl4j.version", "?") + ", backend " + p.getProperty("nd4j.backend", "?") + ")"};
        }
    }
}
