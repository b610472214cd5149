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
    private static final SweepConfigLoader.MetricCheck METRICS = org.distill4j.sweep.Sweep::metricProblem;
    @TempDir
    Path tmp;

    @Test
    void theCommittedSweepsLoad() {
        SweepConfigLoader.Loaded l = SweepConfigLoader.load(Path.of("configs/sweeps/mlp_t_bits_sparsity.yaml"), SCHEMA,
                METRICS);
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
        SweepConfigLoader.load(Path.of("configs/sweeps/quick_mlp.yaml"), SCHEMA, METRICS);
    }

    Path write(String yaml) throws Exception {
        Files.writeString(tmp.resolve("base.yaml"), Files.readString(Path.of("configs/quick/distill-mlp.yaml"))
                .replace("base: ../_base/fashion-mnist.yaml",
                        "base: " + Path.of("configs/_base/fashion-mnist.yaml").toAbsolutePath()));
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "version: 1\nbase: base.yaml\n" + (yaml.contains("objective:") ? ""
                : "objective: {metric: models.student.test_accuracy, goal: maximize}\n") + yaml);
        return f;
    }

    String error(String yaml) throws Exception {
        Path f = write(yaml);
        return assertThrows(ConfigException.class, () -> SweepConfigLoader.load(f, SCHEMA, METRICS))
                .getMessage();
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
        return assertThrows(ConfigException.class, () -> SweepConfigLoader.load(f, SCHEMA, METRICS))
                .getMessage();
    }

    /** Every metric a sweep reads from summary.json is checked against the base config before a trial trains. */
    @Test
    void misspeltMetricsAreErrorsBeforeAnyTrial() throws Exception {
        String space = "space:\n  stages.distill.temperature: {choice: [2, 4]}\n";
        String stages = "stages: train-teacher, train-baseline, distill, evaluate";
        assertEquals("objective.metric: 'test_acuracy' is not a number of a model's result; fields: params, "
                + "flops_per_sample, fp32_param_bytes, model_bytes, inference_samples_per_s, test_accuracy, "
                + "test_top5_accuracy, validation_accuracy", error(space.replace("space:",
                "objective: {metric: models.student.test_acuracy, goal: maximize}\nspace:")));
        assertEquals("objective.metric: no stage named 'distil' in the base config; " + stages,
                error(space.replace("space:", "objective: {metric: stages.distil.val_acc, goal: maximize}\nspace:")));
        assertEquals("secondary.metric: no model 'studnet' in the base config; models: teacher, baseline, student",
                error(space + "secondary: {metric: models.studnet.params, goal: minimize}\n"));
        assertEquals("constraints[1]: no stage named 'export' in the base config; " + stages,
                error(space + "constraints: ['wall_s < 600', 'stages.export.file_bytes <= 50000']\n"));
        assertEquals("report.columns[0]: 'accuracy' is not in summary.json; summary.json holds models.<model>.<field>, "
                + "stages.<stage>.<key>, distillation_gain, wall_s", error(space + "report: {columns: [accuracy]}\n"));
        assertEquals("objective.metric: a stage's figure is stages.<stage>.<key>, e.g. stages.export.file_bytes",
                error(space.replace("space:", "objective: {metric: stages.distill, goal: maximize}\nspace:")));
        Path ok = write(space + "secondary: {metric: distillation_gain, goal: maximize}\n"
                + "constraints: ['stages.distill.val_acc >= 0.1', 'models.teacher.test_top5_accuracy > 0']\n"
                + "report: {columns: [wall_s, stages.evaluate.anything]}\n");
        assertEquals("distillation_gain", SweepConfigLoader.load(ok, SCHEMA, METRICS).config().secondary().metric());
    }

    /** {@code repeat.<figure>} reads a repeated trial's aggregate: checked against its layout, refused without it. */
    @Test
    void repeatFiguresAreCheckedAgainstTheAggregate() throws Exception {
        String space = "space:\n  stages.distill.temperature: {choice: [2, 4]}\n";
        String objective = "objective: {metric: repeat.validation_gain.mean, goal: maximize}\n";
        Path ok = write(space + objective + "repeat: 3\nconstraints: ['repeat.distillation_gain.ci_low > 0']\n"
                + "report: {columns: [repeat.models.student.test_accuracy.sd]}\n");
        assertEquals("repeat.validation_gain.mean", SweepConfigLoader.load(ok, SCHEMA, METRICS).config().objective()
                .metric());
        assertEquals("objective.metric: 'repeat.validation_gain.mean' reads a trial's aggregate over its runs; set "
                + "repeat: 2 or more", error(space + objective));
        assertEquals("report.columns[0]: 'median' is not a number of a spread; a trial's aggregate holds "
                + "repeat.models.<model>.<test_accuracy|validation_accuracy>.<n|mean|sd|min|max> and "
                + "repeat.<distillation_gain|validation_gain>.<n|mean|sd|ci_low|ci_high>",
                error(space + objective + "repeat: 3\nreport: {columns: [repeat.models.student.test_accuracy.median]}"
                        + "\n"));
        assertEquals("report.columns[0]: no model 'studnet' in the base config; models: teacher, baseline, student",
                error(space + objective + "repeat: 3\nreport: {columns: [repeat.models.studnet.test_accuracy.mean]}"
                        + "\n"));
    }

    /** A sweep named after its file says so when that name is not a valid one. */
    @Test
    void aSweepNameDerivedFromTheFileNameSaysSo() throws Exception {
        Path f = write("space:\n  stages.distill.temperature: {choice: [2, 4]}\n");
        Path bad = Files.copy(f, tmp.resolve("my sweep!.yaml"));
        assertEquals("name: derived from the file name 'my sweep!.yaml': must start with a letter, digit or '_' and "
                + "hold only letters, digits, '.', '_' or '-', got 'my sweep!'; set name: in the config",
                assertThrows(ConfigException.class, () -> SweepConfigLoader.load(bad, SCHEMA, METRICS)).getMessage());
        Path longName = Files.copy(f, tmp.resolve("s".repeat(95) + ".yaml"));
        assertEquals("name: derived from the file name '" + "s".repeat(95) + ".yaml': must be at most 90 characters "
                + "(its trials' runs are named <name>-t<number>, at most 100), got 95; set name: in the config",
                assertThrows(ConfigException.class, () -> SweepConfigLoader.load(longName, SCHEMA, METRICS))
                        .getMessage());
    }
}
