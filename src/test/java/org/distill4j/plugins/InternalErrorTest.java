package org.distill4j.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.SlotUse;
import org.distill4j.config.StageConfig;
import org.distill4j.run.RunProvenance;
import org.distill4j.spi.StageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An internal failure (a defect, not the user's input) ends with exit 1 and a one-line message naming the file that
 * holds its stack trace; the run's provenance says it was internal and its log holds the trace too.
 */
class InternalErrorTest {
    /** {@code {type: explode}}: a stage whose run throws. */
    record ExplodeConfig(String name) implements StageConfig {
        static final StageType<ExplodeConfig> TYPE = new StageType<>("explode", ExplodeConfig.class,
                o -> o.build(() -> new ExplodeConfig("explode")), (c, path) -> ctx -> {
                    throw new IllegalStateException("the explode stage exploded");
                });

        @Override
        public String type() {
            return "explode";
        }

        @Override
        public List<SlotUse> reads() {
            return List.of(new SlotUse(ModelSlot.STUDENT, null));
        }
    }

    @Test
    void anInternalErrorNamesTheFileWithItsStackTrace(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("explode.yaml"), """
                version: 1
                dataset: {name: fashion-mnist-sample}
                student: {arch: mlp, hidden: [8]}
                stages:
                  - {type: train, model: student, epochs: 1}
                  - {type: explode}
                """);
        String home = System.getProperty("user.home");
        System.setProperty("user.home", dir.toString());
        ExtensionTest.Result r;
        try {
            r = ExtensionTest.train(Plugins.BUILTIN.stage(ExplodeConfig.TYPE), config,
                    "output.dir=" + dir.resolve("runs"));
        } finally {
            System.setProperty("user.home", home);
        }
        assertEquals(1, r.code());
        Path trace = dir.resolve(".distill4j/last-error.log");
        Path run;
        try (Stream<Path> s = Files.list(dir.resolve("runs/explode"))) {
            run = s.findFirst().orElseThrow();
        }
        // the run directory, named as the run started, and the error
        assertEquals("run directory: " + run + "\nerror: IllegalStateException: the explode stage exploded (internal "
                + "error; stack trace in " + trace + ")", r.err().strip());
        String text = Files.readString(trace);
        assertTrue(text.contains("java.lang.IllegalStateException: the explode stage exploded"), text);
        assertTrue(text.contains("at org.distill4j.pipeline.Pipeline"), text);
        RunProvenance prov = RunProvenance.read(run);
        assertEquals(RunProvenance.Status.FAILED, prov.status());
        assertEquals("internal", prov.errorKind());
        assertEquals("the explode stage exploded", prov.error());
        assertTrue(Files.readString(run.resolve("train.log")).contains("at org.distill4j.pipeline.Pipeline"));
    }

    @Test
    void badInputIsOneLineWithExitCodeTwoAndItsKind(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), """
                version: 1
                dataset: {name: fashion-mnist-sample}
                student: {load: no-such-model.zip}
                stages:
                  - {type: evaluate}
                """);
        ExtensionTest.Result r = ExtensionTest.train(Plugins.BUILTIN, config, "output.dir=" + dir.resolve("runs"));
        assertEquals(2, r.code());
        assertEquals("error: student.load: model file not found: no-such-model.zip", r.err().strip());
        assertTrue(!Files.exists(dir.resolve("runs")), "nothing written before the input is known to be good");
    }
}
