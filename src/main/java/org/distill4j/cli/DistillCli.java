package org.distill4j.cli;

import java.io.PrintWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigException;
import org.distill4j.data.DataException;
import org.distill4j.run.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code distill}: the command line. Exit codes: 0 success, 2 bad input (config, arguments, data files),
 * 1 anything else. Errors are one line on stderr; the stack trace of an unexpected error goes to the log.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, versionProvider = DistillCli.Version.class,
        description = "Knowledge distillation and model compression on Deeplearning4j.",
        subcommands = {TrainCommand.class, SweepCommand.class, ReportCommand.class, ReproduceCommand.class, TrialCommand.class, EvalCommand.class, ConfigCommand.class, ProfileCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class DistillCli implements java.util.concurrent.Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(DistillCli.class);
    public static final int EXIT_OK = 0;
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given output streams; returns the exit code (the tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new DistillCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            Throwable badInput = badInput(ex);
            if (badInput != null) {
                c.getErr().println("error: " + badInput.getMessage());
                return EXIT_BAD_INPUT;
            }
            LOG.debug("unexpected error", ex);
            c.getErr().println("error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
            return EXIT_ERROR;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: out of memory: " + e.getMessage() + "; give the JVM more, e.g. DISTILL4J_JAVA_OPTS=\"-Xmx4g "
                    + "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g\"");
            return EXIT_ERROR;
        }
    }

    /** The ConfigException or DataException behind {@code t}, if any. */
    static Throwable badInput(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException || c instanceof DataException) {
                return c;
            }
        }
        return null;
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
            return new String[]{"distill4j " + p.getProperty("version", "unknown") + " (Deeplearning4j " + p.getProperty("dl4j.version", "?")
                    + ", backend " + p.getProperty("nd4j.backend", "?") + ")"};
        }
    }
}
