package org.distill4j.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.run.Env;

/**
 * The command line and environment of one trial JVM: the same Java and class path as the sweep's own JVM,
 * {@code distill trial <trial-dir>}, and a thread budget (OpenMP and OpenBLAS) so parallel trials do not fight
 * over cores.
 */
public final class TrialLauncher {
    static final String MAIN = "org.distill4j.cli.DistillCli";

    private final String javaOpts;
    private final int threads;

    /** @param javaOpts the trial JVM's options (null: a 1 GiB heap and a native limit of {@code memoryMb}) */
    public TrialLauncher(String javaOpts, int memoryMb, int threads) {
        this.javaOpts = javaOpts != null ? javaOpts
                : "-Xmx1g -Dorg.bytedeco.javacpp.maxphysicalbytes=" + memoryMb + "m";
        this.threads = threads;
    }

    public int threads() {
        return threads;
    }

    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The class path with every entry absolute (a Slurm task may start in another directory). */
    public static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!p.isBlank()) {
                parts.add(Path.of(p).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    public List<String> javaOptions() {
        List<String> out = new ArrayList<>();
        for (String o : javaOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        out.add("-XX:ActiveProcessorCount=" + threads); // the JVM's own pools (GC, JIT, fork-join) fit the budget too
        out.add("-Ddistill4j.home=" + Env.home().toAbsolutePath().normalize());
        return out;
    }

    /** {@code java <opts> -cp <class path> DistillCli trial <trialDir>}. */
    public List<String> command(Path trialDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(javaOptions());
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(MAIN);
        cmd.add("trial");
        cmd.add(trialDir.toAbsolutePath().toString());
        return cmd;
    }

    /** The thread budget, plus the launcher's native-runtime defaults where the environment has none. */
    public void environment(Map<String, String> env) {
        env.put("OMP_NUM_THREADS", String.valueOf(threads));
        env.put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        env.putIfAbsent("MALLOC_MMAP_THRESHOLD_", "33554432");
        env.putIfAbsent("MALLOC_TRIM_THRESHOLD_", "4294967296");
    }
}
