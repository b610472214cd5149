package org.distill4j.sweep;

import org.distill4j.config.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.SweepConfig;
import org.distill4j.run.ShutdownHook;

/**
 * Runs trials as one Slurm job array: {@code slurm/array-<n>.sh} holds the per-task resources ({@code --cpus-per-task},
 * {@code --mem}, {@code --time}, {@code --partition}, {@code --gres}, extra {@code #SBATCH} lines,
 * {@code %max_concurrent}) and starts {@code distill trial trials/<id>}, task {@code i} running the array's
 * {@code i}-th trial (a list in the script, so the task ids stay below Slurm's MaxArraySize). It then polls
 * {@code squeue} and, for tasks that left the queue, {@code scontrol show job} (no accounting database needed), and
 * judges each trial from its run directory on the shared filesystem. A task that Slurm cancelled, preempted or lost
 * with its node is unfinished ({@code --resume} submits it again and it continues from its last checkpoint); a task
 * that failed or hit its time limit is failed, with Slurm's state and exit code in the reason. If the sweep itself
 * stops, the array keeps running; {@code --resume} finds its tasks in the queue and waits for them instead of
 * submitting them again.
 */
public final class SlurmExecutor implements TrialExecutor {
    private static final Logger LOG = LogManager.getLogger(SlurmExecutor.class);
    private static final Set<String> UNFINISHED = Set.of("CANCELLED", "PREEMPTED", "NODE_FAIL", "BOOT_FAIL",
            "DEADLINE", "REVOKED");

    private final String name;
    private final SweepConfig.SlurmConfig slurm;
    private final int memoryMb;
    private final TrialLauncher launcher;

    public SlurmExecutor(String name, SweepConfig.SlurmConfig slurm, int memoryMb, TrialLauncher launcher) {
        this.name = name;
        this.slurm = slurm;
        this.memoryMb = memoryMb;
        this.launcher = launcher;
    }

    @Override
    public String name() {
        return "slurm";
    }

    /** A one-line error unless Slurm's client commands answer. */
    static void checkInstalled() {
        for (String cmd : new String[]{"sbatch", "squeue", "scontrol"}) {
            try {
                Process p = new ProcessBuilder(cmd, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new InputException(InputException.Kind.ENVIRONMENT, "executor slurm: '" + cmd
                            + " --version' failed; is the Slurm client configured (SLURM_CONF)?");
                }
            } catch (IOException e) {
                throw new InputException(InputException.Kind.ENVIRONMENT, "executor slurm: " + cmd
                        + " not found on PATH; install Slurm's client commands or use --executor local");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InputException(InputException.Kind.ENVIRONMENT, "interrupted while checking for Slurm");
            }
        }
    }

    /** The batch script for an array over {@code trials}: task {@code i} runs {@code trials.get(i)}. */
    String script(Path sweepDir, List<Trial> trials, Path outDir) {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("#SBATCH --job-name=distill-").append(name).append('\n');
        sb.append("#SBATCH --array=0-").append(trials.size() - 1)
                .append(slurm.maxConcurrent() == null ? "" : "%" + slurm.maxConcurrent()).append('\n');
        sb.append("#SBATCH --cpus-per-task=").append(slurm.cpusPerTask()).append('\n');
        sb.append("#SBATCH --mem=").append(slurm.mem() != null ? slurm.mem() : memoryMb + "M").append('\n');
        if (slurm.time() != null) {
            sb.append("#SBATCH --time=").append(slurm.time()).append('\n');
        }
        if (slurm.partition() != null) {
            sb.append("#SBATCH --partition=").append(slurm.partition()).append('\n');
        }
        if (slurm.gres() != null) {
            sb.append("#SBATCH --gres=").append(slurm.gres()).append('\n');
        }
        sb.append("#SBATCH --output=").append(outDir.toAbsolutePath()).append("/%A_%a.out\n");
        sb.append("#SBATCH --chdir=").append(Path.of("").toAbsolutePath()).append('\n');
        for (String extra : slurm.sbatch()) {
            sb.append("#SBATCH ").append(extra.trim()).append('\n');
        }
        sb.append("set -u\n");
        for (String line : slurm.setup()) {
            sb.append(line).append('\n');
        }
        Map<String, String> env = new LinkedHashMap<>();
        launcher.environment(env);
        env.forEach((k, v) -> sb.append("export ").append(k).append('=').append(shellQuote(v)).append('\n'));
        sb.append("TRIALS=(").append(String.join(" ", trials.stream().map(t -> t.id).toList())).append(")\n");
        sb.append("TRIAL_DIR=").append(shellQuote(sweepDir.resolve("trials").toAbsolutePath().toString()))
                .append("/\"${TRIALS[$SLURM_ARRAY_TASK_ID]}\"\n");
        sb.append("echo \"slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname) at $(date -Is)\" >> "
                + "\"$TRIAL_DIR/trial.log\"\n");
        List<String> cmd = launcher.command(Path.of("TRIAL_DIR_PLACEHOLDER"));
        cmd.set(cmd.size() - 1, "\"$TRIAL_DIR\"");
        sb.append("exec");
        for (int i = 0; i < cmd.size(); i++) {
            sb.append(' ').append(i == cmd.size() - 1 ? cmd.get(i) : shellQuote(cmd.get(i)));
        }
        sb.append(" >> \"$TRIAL_DIR/trial.log\" 2>&1\n");
        return sb.toString();
    }

    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=,+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public void run(Path sweepDir, List<Trial> trials, Listener listener) throws Exception {
        Map<Trial, String> jobOf = new LinkedHashMap<>();
        List<Trial> toSubmit = new ArrayList<>();
        Map<String, String> queued = new HashMap<>();
        Set<String> asked = new HashSet<>();
        for (Trial t : trials) {
            if (t.slurmJob != null && (t.status == Trial.Status.SUBMITTED || t.status == Trial.Status.RUNNING)) {
                String job = arrayOf(t.slurmJob);
                if (asked.add(job)) {
                    queued.putAll(squeue(job));
                }
                if (queued.containsKey(t.slurmJob)) {
                    LOG.info("{} is still in the Slurm queue as {} ({}); waiting for it", t.id, t.slurmJob,
                            queued.get(t.slurmJob));
                    jobOf.put(t, t.slurmJob);
                    continue;
                }
            }
            toSubmit.add(t);
        }
        if (!toSubmit.isEmpty()) {
            Path outDir = sweepDir.resolve("slurm");
            Files.createDirectories(outDir);
            int n = 0;
            while (Files.exists(outDir.resolve("array-" + n + ".sh"))) {
                n++;
            }
            Path script = outDir.resolve("array-" + n + ".sh");
            org.distill4j.run.AtomicFiles.writeString(script, script(sweepDir, toSubmit, outDir));
            for (Trial t : toSubmit) {
                Files.createDirectories(Sweep.trialDir(sweepDir, t));
            }
            Cmd r = exec(List.of("sbatch", "--parsable", script.toString()));
            if (r.rc != 0) {
                throw new InputException(InputException.Kind.ENVIRONMENT, "sbatch refused " + script + ": "
                        + r.out.strip().replace('\n', ' '));
            }
            String job = r.out.strip().split("[;\\s]")[0];
            LOG.info("submitted Slurm job array {} ({} tasks): {}", job, toSubmit.size(), script);
            for (int i = 0; i < toSubmit.size(); i++) {
                String id = job + "_" + i;
                jobOf.put(toSubmit.get(i), id);
                listener.submitted(toSubmit.get(i), id);
            }
        }
        Set<String> arrays = new java.util.TreeSet<>();
        jobOf.values().forEach(v -> arrays.add(arrayOf(v)));
        // stopping the sweep (Ctrl-C, SIGTERM) leaves the array to Slurm; say how to pick it up or stop it
        ShutdownHook.during("sweep-slurm-shutdown", () -> System.err.println("distill: the sweep stopped watching; "
                + "Slurm job array " + String.join(", ", arrays) + " keeps running. "
                + "Continue with: distill sweep --resume " + sweepDir.toAbsolutePath().normalize()
                + "   (stop the array with: scancel " + String.join(" ", arrays) + ")"), () -> {
                    poll(sweepDir, jobOf, arrays, listener);
                    return null;
                });
    }

    /** The array job of an array task id ({@code 123} of {@code 123_4}). */
    static String arrayOf(String taskId) {
        return taskId.substring(0, taskId.indexOf('_'));
    }

    /** Waits for the tasks of {@code jobOf} (in the array jobs {@code arrays}) to leave the queue, and reports each. */
    private void poll(Path sweepDir, Map<Trial, String> jobOf, Set<String> arrays, Listener listener) throws Exception {
        Set<Trial> seenRunning = new HashSet<>();
        for (Trial t : jobOf.keySet()) {
            if (t.status == Trial.Status.RUNNING) {
                seenRunning.add(t);
            }
        }
        Map<Trial, String> open = new LinkedHashMap<>(jobOf);
        long failingSince = 0;
        while (!open.isEmpty()) {
            Map<String, String> states = new HashMap<>();
            try {
                for (String j : arrays) {
                    states.putAll(squeue(j));
                }
                failingSince = 0;
            } catch (IOException e) {
                // slurmctld restarts and fail-overs take minutes; give up after 10
                failingSince = failingSince == 0 ? System.nanoTime() : failingSince;
                if (System.nanoTime() - failingSince > 600_000_000_000L) {
                    throw new InputException(InputException.Kind.ENVIRONMENT, "squeue has failed for 10 minutes ("
                            + e.getMessage() + "); the array keeps running: "
                            + "distill sweep --resume " + sweepDir + " waits for it again");
                }
                LOG.warn("squeue failed ({}); retrying", e.getMessage());
                Thread.sleep((long) (slurm.pollSeconds() * 1000));
                continue;
            }
            for (var it = open.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Trial t = e.getKey();
                String st = states.get(e.getValue());
                if (st != null) {
                    if (!st.equals("PENDING") && seenRunning.add(t)) {
                        listener.started(t);
                    }
                    continue;
                }
                it.remove();
                Map<String, String> info = scontrol(e.getValue());
                String state = info.getOrDefault("JobState", "UNKNOWN");
                String exit = info.getOrDefault("ExitCode", "?");
                if (UNFINISHED.contains(state)) {
                    listener.cancelled(t, "Slurm " + state + " (" + e.getValue() + ")");
                    continue;
                }
                if (seenRunning.add(t)) {
                    listener.started(t);
                }
                String note = "Slurm " + state + ", exit code " + exit + " (" + e.getValue() + ")";
                TrialDirs.Outcome o = TrialDirs.read(Sweep.trialDir(sweepDir, t),
                        state.equals("COMPLETED") ? null : note);
                for (int i = 0; i < 6 && state.equals("COMPLETED") && o.status() != Trial.Status.COMPLETED; i++) {
                    Thread.sleep(5000); // a shared filesystem may show the finished run's files late
                    o = TrialDirs.read(Sweep.trialDir(sweepDir, t), null);
                }
                if (o.status() == Trial.Status.FAILED && !state.equals("COMPLETED") && !state.equals("UNKNOWN")
                        && !o.reason().startsWith("stopped")) {
                    o = new TrialDirs.Outcome(o.status(), note + ": " + o.reason(), o.runDir(), o.metrics());
                }
                listener.ended(t, o);
            }
            if (!open.isEmpty()) {
                Thread.sleep((long) (slurm.pollSeconds() * 1000));
            }
        }
    }

    /** Array task id ({@code 123_4}) → state, for the tasks of {@code job} still in the queue. */
    static Map<String, String> squeue(String job) throws IOException, InterruptedException {
        Cmd r = exec(List.of("squeue", "-h", "-r", "-j", job, "-o", "%i|%T"));
        Map<String, String> out = new HashMap<>();
        if (r.rc != 0) {
            if (r.out.contains("Invalid job id")) {
                return out; // the whole array has left the queue
            }
            throw new IOException("squeue -j " + job + ": " + r.out.strip());
        }
        for (String line : r.out.split("\n")) {
            String[] f = line.strip().split("\\|");
            if (f.length == 2) {
                out.put(f[0], f[1]);
            }
        }
        return out;
    }

    /**
     * {@code scontrol show job -o <id>} as key=value pairs. Once the controller has forgotten the job (MinJobAge),
     * {@code sacct} answers where the cluster keeps accounting; otherwise the map is empty.
     */
    static Map<String, String> scontrol(String id) throws IOException, InterruptedException {
        Cmd r = exec(List.of("scontrol", "show", "job", "-o", id));
        Map<String, String> out = new HashMap<>();
        if (r.rc != 0) {
            try {
                Cmd a = exec(List.of("sacct", "-n", "-P", "-X", "-j", id, "-o", "State,ExitCode"));
                String[] f = a.rc == 0 && !a.out.isBlank() ? a.out.strip().split("\n")[0].split("\\|") : new String[0];
                if (f.length == 2) {
                    out.put("JobState", f[0].split("\\s+")[0]);
                    out.put("ExitCode", f[1]);
                }
            } catch (IOException noSacct) {
                // no accounting client either: the run directory alone judges the trial
            }
            return out;
        }
        for (String tok : r.out.strip().split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(tok.substring(0, eq), tok.substring(eq + 1));
            }
        }
        return out;
    }

    private record Cmd(int rc, String out) {
    }

    private static Cmd exec(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("distill-slurm", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not answer in 120 s");
            }
            return new Cmd(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
