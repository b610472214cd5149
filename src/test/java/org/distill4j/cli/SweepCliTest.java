package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.distill4j.run.Json;
import org.distill4j.sweep.SweepState;
import org.distill4j.sweep.Trial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real local sweep of tiny trials on the bundled sample, each its own JVM: one trial diverges (learning rate 1e30,
 * NaN loss) and is recorded as failed with its reason while the others complete; the sweep is stopped (SIGTERM) in
 * the middle and {@code --resume} runs only what had not finished. Then the report and a trial's reproduction.
 */
class SweepCliTest {
    @TempDir
    static Path tmp;

    /** A sweep over the distillation learning rate: {@code lrs} in order, one trial each. */
    static Path sweepFile(Path dir, String lrs, String extra) throws Exception {
        Path base = dir.resolve("base.yaml");
        Files.writeString(base, """
                version: 1
                base: %s
                dataset: {name: fashion-mnist-sample}
                teacher: {arch: mlp, hidden: [64]}
                student: {arch: mlp, hidden: [16]}
                stages:
                  - {type: train, model: teacher, epochs: 1, batch_size: 64}
                  - {type: distill, epochs: 1, batch_size: 64, optimizer: {type: sgd, lr: 0.05}}
                  - {type: evaluate}
                """.formatted(Path.of("configs/_base/fashion-mnist.yaml").toAbsolutePath()));
        Path f = dir.resolve("tiny_lr.yaml");
        Files.writeString(f, """
                version: 1
                base: base.yaml
                space:
                  stages.distill.optimizer.lr: {choice: [%s]}
                %s
                objective: {metric: models.student.test_accuracy, goal: maximize}
                secondary: {metric: models.student.params, goal: minimize}
                constraints: ["models.student.test_accuracy >= 0.5"]
                output: {dir: %s}
                %s
                """.formatted(lrs, extra.contains("strategy:") ? "" : "strategy: {type: grid}", dir.resolve("sweeps"),
                        extra));
        return f;
    }

    static List<String> javaCommand(String... args) {
        return CliTest.javaCommand(List.of("-Xmx512m", "-Ddistill4j.home=" + Path.of("").toAbsolutePath()), args);
    }

    static Path onlySweepDir(Path root) throws Exception {
        return LiveFiles.find(root, 3, p -> Files.isRegularFile(p.resolve(SweepState.FILE)));
    }

    static SweepState waitFor(Path root, Predicate<SweepState> cond, Process p, long seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Path d = onlySweepDir(root);
            if (d != null) {
                try {
                    SweepState st = SweepState.read(d);
                    if (cond.test(st)) {
                        return st;
                    }
                } catch (java.io.IOException partial) {
                    // being replaced; the rename is atomic, so read again
                }
            }
            if (p != null && !p.isAlive()) {
                throw new AssertionError("the sweep exited (code " + p.exitValue() + ") before the awaited state");
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for the sweep state");
    }

    static Trial trial(SweepState st, String id) {
        return st.trials.stream().filter(t -> t.id.equals(id)).findFirst().orElseThrow();
    }

    @Test
    void localSweepRecordsAFailureSurvivesAStopAndResumes() throws Exception {
        Path root = tmp.resolve("local");
        Files.createDirectories(root);
        Path file = sweepFile(root, "0.05, 1.0e30, 0.02", "executor: {type: local, workers: 1}");
        // started in another working directory with a relative --output-dir; resumed below from this one
        Process p = new ProcessBuilder(
                javaCommand("sweep", "--config", file.toString(), "--output-dir", "relative-sweeps"))
                .directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("first.log").toFile()).start();
        // stop the sweep (SIGTERM, as Ctrl-C or a scheduler would) once t000 is done and t001 is running
        waitFor(root, st -> st.trials.size() == 3 && st.trials.get(0).status == Trial.Status.COMPLETED
                && st.trials.get(1).status == Trial.Status.RUNNING, p, 240);
        p.destroy();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        Path dir = onlySweepDir(root);
        Thread.sleep(1000);
        List<String> left = ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(" trial ") && c.contains(dir.toAbsolutePath().toString())).toList();
        assertEquals(List.of(), left, "no trial process outlives the stopped sweep");
        SweepState stopped = SweepState.read(dir);
        assertEquals(Trial.Status.COMPLETED, stopped.trials.get(0).status);
        assertTrue(dir.startsWith(root.resolve("relative-sweeps")), dir.toString());
        assertEquals(Trial.Status.CANCELLED, stopped.trials.get(1).status, "the trial the stop interrupted");
        assertEquals(Trial.Status.PENDING, stopped.trials.get(2).status, "no trial starts once the sweep is stopping");
        assertTrue(!"completed".equals(stopped.status));

        CliTest.Result r = CliTest.run("sweep", "--resume", dir.toString());
        assertEquals(0, r.code(), r.err());
        SweepState st = SweepState.read(dir);
        assertEquals("completed", st.status);
        Trial t0 = trial(st, "t000"), t1 = trial(st, "t001"), t2 = trial(st, "t002");
        assertEquals(1, t0.attempts, "a completed trial is not run again");
        assertEquals(2, t1.attempts, "stopped while running, run again");
        assertEquals(stopped.trials.get(0).runDir, t0.runDir);
        assertEquals(Trial.Status.FAILED, t1.status);
        assertTrue(t1.reason.contains("NaN"), t1.reason);
        assertEquals(Trial.Status.COMPLETED, t2.status);
        for (Trial t : List.of(t0, t2)) {
            JsonNode summary = Json.MAPPER.readTree(dir.resolve(t.runDir).resolve("summary.json").toFile());
            assertEquals(summary.path("models").path("student").path("test_accuracy").asDouble(), t.objective, 0.0);
            assertEquals(Boolean.valueOf(t.objective >= 0.5), t.feasible);
            String cfg = Files.readString(dir.resolve(t.runDir).resolve("config.resolved.yaml"));
            assertTrue(cfg.contains("lr: " + t.params.get("stages.distill.optimizer.lr")), cfg);
        }

        // the report: leaderboard best first, failures listed with their reasons
        CliTest.Result rep = CliTest.run("report", dir.toString());
        assertEquals(0, rep.code(), rep.err());
        List<String> csv = Files.readAllLines(dir.resolve("leaderboard.csv"));
        assertEquals(4, csv.size());
        Trial best = t0.objective >= t2.objective ? t0 : t2;
        assertTrue(csv.get(1).startsWith("1," + best.id + ",completed"), csv.get(1));
        assertTrue(csv.get(3).contains(",t001,failed,") && csv.get(3).contains("NaN"), csv.get(3));
        for (String f : List.of("sweep.json", "report.html", "objective.png", "pareto.png", "by_param.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 100, f);
        }
        JsonNode sj = Json.MAPPER.readTree(dir.resolve("sweep.json").toFile());
        assertEquals(best.id, sj.path("best").path("trial").asText());
        assertEquals(1, sj.path("trials").path("failed").asInt());

        // a run directory gets its curves the same way
        CliTest.Result runRep = CliTest.run("report", dir.resolve(t0.runDir).toString());
        assertEquals(0, runRep.code(), runRep.err());
        for (String f : List.of("loss.png", "accuracy.png", "report.html")) {
            assertTrue(Files.size(dir.resolve(t0.runDir).resolve(f)) > 100, f);
        }
        assertTrue(Files.readString(dir.resolve(t0.runDir).resolve("report.html"))
                .contains("<td>distill</td><td>1</td>"));

        // a trial is an ordinary run: it reproduces alone, metric for metric
        CliTest.Result rr = CliTest.run("reproduce", dir.resolve(t2.runDir).toString());
        assertEquals(0, rr.code(), rr.out() + rr.err());
        assertTrue(rr.out().contains("reproduced exactly"), rr.out());

        // a finished sweep resumes to nothing; --retry-failed runs the failed trial again (and it fails again)
        CliTest.Result again = CliTest.run("sweep", "--resume", dir.toString(), "--retry-failed");
        assertEquals(0, again.code(), again.err());
        SweepState st2 = SweepState.read(dir);
        assertEquals(3, trial(st2, "t001").attempts);
        assertEquals(Trial.Status.FAILED, trial(st2, "t001").status);
        assertEquals(1, trial(st2, "t000").attempts);
    }

    @Test
    void repeatedTrialsRunUnderDerivedSeedsAndAreJudgedByTheirMean() throws Exception {
        Path root = tmp.resolve("repeat");
        Files.createDirectories(root);
        Path file = sweepFile(root, "0.05, 0.02", "executor: {type: local, workers: 1}\nrepeat: 2");
        CliTest.Result r = CliTest.run("sweep", "--config", file.toString());
        assertEquals(0, r.code(), r.err());
        Path dir = onlySweepDir(root);
        SweepState st = SweepState.read(dir);
        assertEquals("completed", st.status);
        com.fasterxml.jackson.databind.ObjectMapper yaml =
                new com.fasterxml.jackson.databind.ObjectMapper(
                        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        for (Trial t : st.trials) {
            assertEquals(Trial.Status.COMPLETED, t.status, t.reason);
            Path trialDir = dir.resolve(t.runDir);
            double[] acc = new double[2];
            for (int i = 0; i < 2; i++) {
                Path run = trialDir.resolve("r" + i);
                long seed = yaml.readTree(run.resolve("config.resolved.yaml").toFile()).path("seed").asLong();
                assertEquals(org.distill4j.pipeline.Repeats.seed(42, i), seed, "run r" + i);
                acc[i] = Json.MAPPER.readTree(run.resolve("summary.json").toFile())
                        .path("models").path("student").path("test_accuracy").asDouble();
            }
            assertEquals((acc[0] + acc[1]) / 2, t.objective, 1e-12, "the objective is the runs' mean");
            assertEquals(Math.abs(acc[0] - acc[1]) / Math.sqrt(2),
                    t.metrics.get("repeat.models.student.test_accuracy.sd"), 1e-12);
            JsonNode agg = Json.MAPPER.readTree(trialDir.resolve("aggregate.json").toFile());
            assertEquals(2, agg.path("runs").size());
        }
        // a resumed, finished sweep runs nothing again
        CliTest.Result again = CliTest.run("sweep", "--resume", dir.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(1, SweepState.read(dir).trials.get(0).attempts);
        assertTrue(CliTest.run("sweep", "--config", sweepFile(root, "0.05", "repeat: 0").toString()).err()
                .startsWith("error: repeat: must be"), "repeat is checked");
    }

    @Test
    void badSweepFilesAreOneLineErrorsNamingTheKey() throws Exception {
        Path root = tmp.resolve("bad");
        Files.createDirectories(root);
        Path file = sweepFile(root, "0.05", "");
        Files.writeString(file, Files.readString(file).replace("stages.distill.optimizer.lr",
                "stages.distil.optimizer.lr"));
        CliTest.Result r = CliTest.run("sweep", "--config", file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: space.stages.distil.optimizer.lr: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("no element of stages is named or typed 'distil'"), r.err());

        Path f2 = sweepFile(root, "0.05", "executor: {type: kubernetes}");
        CliTest.Result r2 = CliTest.run("sweep", "--config", f2.toString());
        assertEquals(2, r2.code());
        assertTrue(r2.err().contains("executor.type: unknown value 'kubernetes'; allowed: local, slurm"), r2.err());

        Path f3 = sweepFile(root, "0.05", "strategy: {type: anneal}");
        CliTest.Result r3 = CliTest.run("sweep", "--config", f3.toString());
        assertEquals(2, r3.code());
        assertTrue(r3.err().contains("strategy.type: unknown value 'anneal'; allowed: grid, random, genetic"),
                r3.err());

        Path f4 = sweepFile(root, "0.05", "");
        Files.writeString(f4, Files.readString(f4).replace("models.student.test_accuracy >= 0.5", "accuracy is high"));
        CliTest.Result r4 = CliTest.run("sweep", "--config", f4.toString());
        assertEquals(2, r4.code());
        assertTrue(r4.err().startsWith("error: constraints[0]: must read 'metric op number'"), r4.err());

        CliTest.Result r5 = CliTest.run("sweep", "--resume", root.toString());
        assertEquals(2, r5.code());
        assertTrue(r5.err().contains("is not a sweep directory"), r5.err());
        assertEquals(null, onlySweepDir(root), "nothing written for a bad sweep");
    }
}
