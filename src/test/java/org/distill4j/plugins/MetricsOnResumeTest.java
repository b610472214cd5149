package org.distill4j.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.distill4j.cli.DistillCli;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.ModelStageConfig;
import org.distill4j.config.OptimizerConfig;
import org.distill4j.config.ScheduleConfig;
import org.distill4j.config.TrainingConfig;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.model.Net;
import org.distill4j.run.ExclusiveLock;
import org.distill4j.run.Json;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.distill4j.spi.StepHook;
import org.distill4j.spi.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage that fails after an epoch's metrics line was written but before that epoch's checkpoint was in place (the
 * disk filling up while the checkpoint is written), then {@code --resume}: the run's {@code metrics.jsonl} equals an
 * uninterrupted run's, each epoch once. A resume while another process holds the run directory is refused.
 */
class MetricsOnResumeTest {
    /** The checkpoint write that fails (1: the first), counted in {@link #SAVES}; 0: none. */
    static final AtomicInteger FAIL_AT = new AtomicInteger();
    static final AtomicInteger SAVES = new AtomicInteger();
    /** When set, the failing checkpoint write first puts a directory where provenance.json is (it cannot be marked). */
    static final AtomicBoolean BLOCK_PROVENANCE = new AtomicBoolean();

    /** {@code {type: flaky-train}}: two epochs of cross-entropy training of the student, checkpoints that may fail. */
    record FlakyConfig(String name) implements ModelStageConfig {
        static final StageType<FlakyConfig> TYPE = new StageType<>("flaky-train", FlakyConfig.class,
                o -> o.build(() -> new FlakyConfig(o.string("name", "flaky-train"))), (c, path) -> ctx -> {
                    Net net = ctx.model(ModelSlot.STUDENT);
                    TrainingConfig tc = new TrainingConfig(2, 128, new OptimizerConfig(OptimizerConfig.Type.ADAM, 1e-3,
                            0.9, 0.0, new ScheduleConfig(ScheduleConfig.Type.NONE, 1, 0.1, 0.0)));
                    StepHook failingSave = new StepHook() {
                        @Override
                        public void save(Net n, Path dir) throws IOException {
                            if (SAVES.incrementAndGet() == FAIL_AT.get()) {
                                if (BLOCK_PROVENANCE.get()) {
                                    Path prov = ctx.runDir().file("provenance.json");
                                    Files.delete(prov);
                                    Files.createDirectories(prov.resolve("blocked"));
                                }
                                throw new IOException("No space left on device");
                            }
                        }
                    };
                    Trainer.Result r = Trainer.train(ctx, c.name(), c.type(), ModelSlot.STUDENT, net, tc,
                            new SoftmaxCrossEntropyLoss(), (order, from, to, x) -> ctx.train().oneHot(order, from, to),
                            failingSave);
                    return StageResult.handOn(ModelSlot.STUDENT, ModelState.of(r.net(), c.name()), r.report());
                });

        @Override
        public String type() {
            return "flaky-train";
        }

        @Override
        public ModelSlot model() {
            return ModelSlot.STUDENT;
        }
    }

    static final Plugins PLUGINS = Plugins.BUILTIN.stage(FlakyConfig.TYPE);

    static final String CONFIG = """
            version: 1
            dataset: {name: fashion-mnist-sample}
            student: {arch: mlp, hidden: [8]}
            stages:
              - {type: train, model: student, epochs: 1}
              - {type: flaky-train}
            """;

    @Test
    void aStageThatFailedBeforeItsFirstCheckpointLeavesNoDuplicateLine(@TempDir Path dir) throws Exception {
        Path reference = referenceRun(dir);
        Path run = failedRun(dir, 1);
        assertEquals(2, lines(run).size(), "train's epoch and flaky-train's first were written before the failure");
        // while another process holds the run (a second resume, or the training itself), a resume is refused at once
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            try {
                ExclusiveLock.holding(run.resolve(".lock"), IllegalStateException::new, () -> {
                    held.countDown();
                    return release.await(60, TimeUnit.SECONDS);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        held.await(60, TimeUnit.SECONDS);
        StringWriter busy = new StringWriter();
        int refused = DistillCli.execute(PLUGINS, new PrintWriter(new StringWriter()), new PrintWriter(busy), "train",
                "--resume", run.toString());
        release.countDown();
        other.join();
        assertEquals(2, refused);
        assertEquals("error: " + run + " is in use by another distill process (training or resuming it); wait for it "
                + "to end", busy.toString().strip());

        StringWriter err = new StringWriter();
        int code = DistillCli.execute(PLUGINS, new PrintWriter(new StringWriter()), new PrintWriter(err), "train",
                "--resume", run.toString());
        assertEquals(0, code, err.toString());
        assertEquals(lines(reference), lines(run));
    }

    /** A damaged checkpoint (cut short) is named in the log and the stage starts again; the run ends as if whole. */
    @Test
    void aDamagedCheckpointIsNamedAndTheStageStartsOver(@TempDir Path dir) throws Exception {
        Path reference = referenceRun(dir);
        Path run = failedRun(dir, 2); // flaky-train's second epoch: its first checkpoint is in place
        Path model = run.resolve("checkpoints/flaky-train/epoch-1/model.zip");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        StringWriter err = new StringWriter();
        int code = DistillCli.execute(PLUGINS, new PrintWriter(new StringWriter()), new PrintWriter(err), "train",
                "--resume", run.toString());
        assertEquals(0, code, err.toString());
        String log = Files.readString(run.resolve("train.log"));
        assertTrue(log.contains("flaky-train: checkpoint " + model.getParent() + " is damaged"), log);
        assertEquals(lines(reference), lines(run));
    }

    /** The run directory of {@link #CONFIG} run without a failure. */
    static Path referenceRun(Path dir) throws IOException {
        FAIL_AT.set(0);
        ExtensionTest.Result r = ExtensionTest.train(PLUGINS, Files.writeString(dir.resolve("flaky.yaml"), CONFIG),
                "output.dir=" + dir.resolve("reference"));
        assertEquals(0, r.code(), r.err());
        return Path.of(r.out().strip());
    }

    /**
     * The run directory of {@link #CONFIG} run with the {@code failAt}-th checkpoint write failing (a full disk: exit
     * 2), below {@code dir/resumed}.
     */
    static Path failedRun(Path dir, int failAt) throws IOException {
        return failedRun(dir, failAt, "resumed");
    }

    /** {@link #failedRun(Path, int)} below {@code dir/<under>}. */
    static Path failedRun(Path dir, int failAt, String under) throws IOException {
        SAVES.set(0);
        FAIL_AT.set(failAt);
        assertEquals(2, ExtensionTest.train(PLUGINS, dir.resolve("flaky.yaml"), "output.dir=" + dir.resolve(under))
                .code());
        try (var s = Files.list(dir.resolve(under).resolve("flaky"))) {
            return s.findFirst().orElseThrow();
        }
    }

    /** The metrics lines without their timings. */
    static List<String> lines(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            ObjectNode n = (ObjectNode) Json.MAPPER.readTree(l);
            n.remove(List.of("samples_per_s", "epoch_train_s", "wall_s"));
            out.add(n.toString());
        }
        return out;
    }
}
