package org.distill4j.config;

import org.distill4j.plugins.Plugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepConfigLoaderTest {
    private static final Schema SCHEMA = Plugins.BUILTIN.schema();
    @TempDir
    Path tmp;

    @Test
    void theCommittedSweepsLoad() {
        SweepConfigLoader.Loaded l = SweepConfigLoader.load(Path.of("configs/sweeps/mlp_t_bits_sparsity.yaml"), SCHEMA);
        SweepConfig c = l.config();
        assertEquals(List.of("stages.distill.temperature", "stages.quantize.bits", "stages.prune.sparsity"),
                c.space().stream().map(SweepConfig.ParamSpec::key).toList());
        assertEquals(List.of("stages.distill.temperature", "stages.prune.temperature", "stages.quantize.temperature"),
                c.space().get(0).keys());
        assertEquals(List.of("1", "2", "4", "8"), c.space().get(0).choices());
        assertEquals("stages.quantize.val_acc", c.objective().metric());
        assertTrue(c.objective().maximize() && !c.secondary().maximize());
        assertEquals("stages.export.file_bytes <= 60000", c.constraints().get(0).toString());
        assertEquals(2, c.executor().workers());
        assertEquals("experiments/sweeps", c.outputDir());
        assertEquals("mlp_t_bits_sparsity", c.name());
        SweepConfigLoader.load(Path.of("configs/sweeps/quick_mlp.yaml"), SCHEMA);
    }

    Path write(String yaml) throws Exception {
        Files.writeString(tmp.resolve("base.yaml"), Files.readString(Path.of("configs/quick/distill-mlp.yaml"))
                .replace("base: ../_base/fashion-mnist.yaml",
                        "base: " + Path.of("configs/_base/fashion-mnist.yaml").toAbsolutePath()));
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "version: 1\nbase: base.yaml\nobjective: {metric: m, goal: maximize}\n" + yaml);
        return f;
    }

    String error(String yaml) throws Exception {
        Path f = write(yaml);
        return assertThrows(ConfigException.class, () -> SweepConfigLoader.load(f, SCHEMA)).getMessage();
    }

    @Test
    void errorsNameTheYamlPath() throws Exception {
        assertEquals("space.stages.distill.temperature: the value 1 gives an invalid run config: "
                        + "--set stages.prun.temperature: no element of stages is named or typed 'prun'; elements: "
                        + "train-teacher, train-baseline, distill, evaluate (or use an index)",
                error("space:\n  stages.distill.temperature: {choice: [1, 4], also: [stages.prun.temperature]}\n"));
        assertEquals("space.stages.distill.alpha: the value 1.5 gives an invalid run config: stages[2].alpha: must be "
                + "in [0, 1], got 1.5", error("space:\n  stages.distill.alpha: {continuous: [0.5, 1.5]}\n"));
        assertEquals("space.stages.distill.alpha: give exactly one of continuous: [lo, hi], integer: [lo, hi] or "
                + "choice: [...], got [continuous, choice]",
                error("space:\n  stages.distill.alpha: {continuous: [0.1, 0.9], choice: [0.5]}\n"));
        assertEquals("space.stages.distill.optimizer.lr.log: a log scale needs lo > 0, got 0",
                error("space:\n  stages.distill.optimizer.lr: {continuous: [0, 0.1], log: true}\n"));
        assertEquals("space.seed.integer: bounds must be integers, got [1.5, 3]",
                error("space:\n  seed: {integer: [1.5, 3]}\n"));
        assertEquals("max_trials: missing: random search needs a trial budget",
                error("space:\n  seed: {integer: [1, 3]}\nstrategy: {type: random}\n"));
        assertEquals("slurm.time: must be a Slurm time limit such as 30, 01:30:00 or 1-00:00:00, got 'an hour'",
                error("space:\n  seed: {integer: [1, 3]}\nslurm: {time: an hour}\n"));
        assertEquals("space: missing: map config keys to {continuous: [lo, hi]}, {integer: [lo, hi]} or "
                + "{choice: [...]}", error(""));
        assertEquals("objective.goal: unknown value 'best'; allowed: maximize, minimize", errorWithGoal());
    }

    String errorWithGoal() throws Exception {
        Path f = tmp.resolve("g.yaml");
        Files.writeString(f, "version: 1\nbase: base.yaml\nobjective: {metric: m, goal: best}\n"
                + "space:\n  seed: {integer: [1, 3]}\n");
        return assertThrows(ConfigException.class, () -> SweepConfigLoader.load(f, SCHEMA)).getMessage();
    }
}
