package org.distill4j.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.cli.DistillCli;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ConfigWriter;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.run.RunSummary;
import org.distill4j.run.StageReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage and a loss added from outside the project, one file each ({@link ScaleWeightsStage},
 * {@link LogitMatchingLoss}) plus the one registration line below, run through {@code distill train}.
 */
class ExtensionTest {
    /** The registration line: the built-in plugins plus the toy stage and the toy loss. */
    static final Plugins WITH_TOYS = Plugins.BUILTIN.stage(ScaleWeightsStage.TYPE).loss(LogitMatchingLoss.TYPE);

    static final String CONFIG = """
            version: 1
            name: toys
            dataset: {name: fashion-mnist-sample}
            teacher: {arch: mlp, hidden: [64]}
            student: {arch: mlp, hidden: [16]}
            stages:
              - {type: train, model: teacher, epochs: 1}
              - {type: distill, loss: {type: logit-matching, weight: 0.5}, epochs: 1}
              - {type: scale-weights, factor: 0.5}
              - {type: evaluate, models: [student]}
            """;

    record Result(int code, String out, String err) {
    }

    static Result train(Plugins plugins, Path config, String... set) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[3 + 2 * set.length];
        args[0] = "train";
        args[1] = "--config";
        args[2] = config.toString();
        for (int i = 0; i < set.length; i++) {
            args[3 + 2 * i] = "--set";
            args[4 + 2 * i] = set[i];
        }
        int code = DistillCli.execute(plugins, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aToyStageAndLossRunThroughDistillTrain(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("toys.yaml"), CONFIG);
        String output = "output.dir=" + dir.resolve("runs");
        Result r = train(WITH_TOYS, config, output);
        assertEquals(0, r.code(), r.err());
        Path run = Path.of(r.out().strip());
        RunSummary summary = RunSummary.read(run);
        StageReport scaled = summary.stages().get("scale-weights");
        double before = ((Number) scaled.details().get("l2_before")).doubleValue();
        double after = ((Number) scaled.details().get("l2_after")).doubleValue();
        assertEquals(0.5 * before, after, 1e-5 * before);
        assertEquals("scale-weights", summary.models().get("student").trainedBy());
        assertTrue(Files.isRegularFile(run.resolve("scale-weights.zip")));
        String log = Files.readString(run.resolve("train.log"));
        assertTrue(log.contains("adam LogitMatching(weight=0.5)"), "the distill stage trains with the toy loss");
        String resolved = Files.readString(run.resolve("config.resolved.yaml"));
        assertTrue(resolved.contains("type: logit-matching"), resolved);
        // what --resume, reproduce and sweep trials read again binds back to the same config and the same text
        RunConfig back = ConfigLoader.parseResolved(resolved, WITH_TOYS.schema());
        assertEquals(new ScaleWeightsStage.Config("scale-weights", ModelSlot.STUDENT, 0.5), back.stages().get(2));
        assertEquals(resolved, ConfigWriter.toYaml(back));

        assertEquals("error: stages[2].factor: must be > 0, got -1",
                train(WITH_TOYS, config, output, "stages.scale-weights.factor=-1").err().strip());
        assertEquals("error: stages[1].loss.type: unknown loss 'logit-matching'; known: at, combined, dist, dkd, "
                + "hint, kd",
                train(Plugins.BUILTIN, config, output).err().strip());
        Result unknown = train(Plugins.BUILTIN.loss(LogitMatchingLoss.TYPE), config, output);
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith(
                "error: stages[2].type: unknown stage type 'scale-weights'; known: distill, "), unknown.err());
    }
}
