package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distill4j.sweep.SweepState;
import org.distill4j.sweep.Trial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slurm executor against a real single-node Slurm (munged, slurmctld and slurmd started here by
 * {@code .ci/slurm-local}, stopped by PID afterwards). Four trials go through {@code sbatch --array} one at a time;
 * t001 diverges and must be reported failed with Slurm's state and the run's reason; once it has failed the array is
 * cancelled with {@code scancel}, the sweep ends incomplete, and {@code --resume} submits only the two unfinished
 * trials. Skipped with a message where Slurm is not installed, except when DISTILL4J_REQUIRE_SLURM=1 (CI sets it).
 */
class SlurmSweepTest {
    static final Path CLUSTER = Path.of("target", "slurm-test").toAbsolutePath();
    static String slurmConf;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/sbin/slurmctld"))
                && Files.isExecutable(Path.of("/usr/sbin/slurmd"))
                && Files.isExecutable(Path.of("/usr/sbin/munged")) && Files.isExecutable(Path.of("/usr/bin/sbatch"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String why = !installed
                ? "Slurm is not installed (.ci/slurm-local install puts slurmctld, slurmd, munge and the client "
                        + "in place)"
                : !root ? "the single-node test cluster runs as root (SlurmUser=root)" : null;
        if (why != null) {
            if ("1".equals(System.getenv("DISTILL4J_REQUIRE_SLURM"))) {
                throw new AssertionError("DISTILL4J_REQUIRE_SLURM=1 but " + why);
            }
            Assumptions.abort("skipping the Slurm executor test: " + why);
        }
        Process p = new ProcessBuilder(".ci/slurm-local", "start", CLUSTER.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "could not start the test cluster: " + out);
        for (String line : out.split("\n")) {
            if (line.startsWith("export SLURM_CONF=")) {
                slurmConf = line.substring("export SLURM_CONF=".length()).trim();
            }
        }
        assertTrue(slurmConf != null && Files.isRegularFile(Path.of(slurmConf)), out);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (slurmConf != null) {
            Process p = new ProcessBuilder(".ci/slurm-local", "stop", CLUSTER.toString()).inheritIO().start();
            p.waitFor(120, TimeUnit.SECONDS);
        }
    }

    static Process distill(Path log, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SweepCliTest.javaCommand(args)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("SLURM_CONF", slurmConf);
        return pb.start();
    }

    @Test
    void jobArrayRunsTrialsReportsTheFailureAndResumesAfterScancel() throws Exception {
        Path root = tmp.resolve("slurm");
        Files.createDirectories(root);
        Path file = SweepCliTest.sweepFile(root, "0.05, 1.0e30, 0.02, 0.03", """
                executor: {type: slurm, memory_mb: 1000}
                slurm: {cpus_per_task: 1, mem: 1000M, time: "00:10:00", max_concurrent: 1, poll_seconds: 1, sbatch: ["--nice=0"]}
                """);
        Process p = distill(root.resolve("first.log"), "sweep", "--config", file.toString());
        SweepState failed = SweepCliTest.waitFor(root,
                st -> st.trials.size() == 4 && st.trials.get(1).status == Trial.Status.FAILED, p, 400);
        String job = failed.trials.get(0).slurmJob.split("_")[0];
        assertEquals(List.of(job + "_0", job + "_1", job + "_2", job + "_3"),
                failed.trials.stream().map(t -> t.slurmJob).toList());
        ProcessBuilder cancel = new ProcessBuilder("scancel", job).inheritIO();
        cancel.environment().put("SLURM_CONF", slurmConf);
        assertEquals(0, cancel.start().waitFor());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the sweep ends once the array is cancelled");
        Path dir = SweepCliTest.onlySweepDir(root);
        assertEquals(1, p.exitValue(), Files.readString(root.resolve("first.log")));
        SweepState st = SweepState.read(dir);
        assertEquals("incomplete", st.status);
        assertEquals(Trial.Status.COMPLETED, st.trials.get(0).status);
        Trial t1 = st.trials.get(1);
        assertTrue(t1.reason.startsWith("Slurm FAILED, exit code 2:0 (" + job + "_1)") && t1.reason.contains("NaN"),
                t1.reason);
        assertTrue(st.trials.get(3).status == Trial.Status.CANCELLED,
                st.trials.get(3).status + " " + st.trials.get(3).reason);
        String script = Files.readString(dir.resolve("slurm/array-0.sh"));
        assertTrue(script.contains("#SBATCH --array=0-3%1\n") && script.contains("TRIALS=(t000 t001 t002 t003)\n")
                && script.contains("#SBATCH --cpus-per-task=1\n") && script.contains("#SBATCH --mem=1000M\n")
                && script.contains("#SBATCH --time=00:10:00\n") && script.contains("#SBATCH --nice=0\n"), script);
        assertTrue(script.contains("export OMP_NUM_THREADS=1\n"), script);

        Process r = distill(root.resolve("resume.log"), "sweep", "--resume", dir.toString());
        assertTrue(r.waitFor(400, TimeUnit.SECONDS));
        assertEquals(0, r.exitValue(), Files.readString(root.resolve("resume.log")));
        SweepState done = SweepState.read(dir);
        assertEquals("completed", done.status);
        assertEquals(List.of(Trial.Status.COMPLETED, Trial.Status.FAILED, Trial.Status.COMPLETED,
                Trial.Status.COMPLETED), done.trials.stream().map(t -> t.status).toList());
        assertEquals(1, done.trials.get(0).attempts);
        assertEquals(t1.reason, done.trials.get(1).reason, "a failed trial is kept, not run again");
        List<String> resubmitted = st.trials.stream().filter(t -> !t.status.finished()).map(t -> t.id).toList();
        assertTrue(resubmitted.contains("t003"), resubmitted.toString());
        String second = Files.readString(dir.resolve("slurm/array-1.sh"));
        assertTrue(second.contains("#SBATCH --array=0-" + (resubmitted.size() - 1) + "%1\n")
                && second.contains("TRIALS=(" + String.join(" ", resubmitted) + ")\n"), second);
        String job2 = done.trials.get(3).slurmJob.split("_")[0];
        assertTrue(!job2.equals(job), "the unfinished trials went in a new array");
        for (int i : new int[]{0, 2, 3}) {
            Trial t = done.trials.get(i);
            assertTrue(Files.isRegularFile(dir.resolve(t.runDir).resolve("summary.json")), t.id);
            assertTrue(t.objective > 0.3, t.id + " " + t.objective);
        }
    }

    /**
     * A trial that outlives its time limit (1 minute, the shortest Slurm takes; the controller checks limits about
     * every 30 s) is ended by Slurm with TIMEOUT and recorded as failed with that reason. Its end-of-epoch checkpoints
     * remain, so {@code --resume --retry-failed} continues it rather than starting over.
     */
    @Test
    void trialPastItsTimeLimitIsRecordedAsATimeoutWithItsCheckpoint() throws Exception {
        Path root = tmp.resolve("timeout");
        Files.createDirectories(root);
        Path file = SweepCliTest.sweepFile(root, "0.05", """
                set: [stages.distill.epochs=100000]
                executor: {type: slurm, memory_mb: 1000}
                slurm: {cpus_per_task: 1, mem: 1000M, time: "1", poll_seconds: 1}
                """);
        Process p = distill(root.resolve("sweep.log"), "sweep", "--config", file.toString());
        assertTrue(p.waitFor(240, TimeUnit.SECONDS),
                "Slurm ends the task within its limit plus the controller's check period");
        Path dir = SweepCliTest.onlySweepDir(root);
        assertEquals(0, p.exitValue(), Files.readString(root.resolve("sweep.log")));
        SweepState st = SweepState.read(dir);
        Trial t = st.trials.get(0);
        assertEquals(Trial.Status.FAILED, t.status);
        assertTrue(t.reason.contains("Slurm TIMEOUT") && t.reason.contains(t.slurmJob), t.reason);
        assertTrue(t.wallS >= 55 && t.wallS < 200, "wall " + t.wallS);
        Path run = org.distill4j.sweep.TrialDirs.latestRun(dir.resolve("trials").resolve(t.id));
        assertTrue(run != null && Files.isDirectory(run.resolve("checkpoints")),
                "the timed-out run keeps its checkpoints: " + run);
        assertTrue(Files.readString(dir.resolve("slurm/array-0.sh")).contains("#SBATCH --time=1\n"));
    }
}
