package org.distill4j.config;

import org.distill4j.loss.KdLoss;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.ResNetSpec;
import org.distill4j.plugins.Plugins;
import org.distill4j.stage.distill.DistillStageConfig;
import org.distill4j.stage.evaluate.EvaluateStageConfig;
import org.distill4j.stage.export.ExportStageConfig;
import org.distill4j.stage.prune.PruneStageConfig;
import org.distill4j.stage.quant.QuantizeStageConfig;
import org.distill4j.stage.train.TrainStageConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.sweep.Sweep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, merging, overriding and validating configs; every error message is asserted as a user reads it. */
class ConfigLoaderTest {
    private static final Schema SCHEMA = Plugins.BUILTIN.schema();
    static final String VALID = """
            version: 1
            seed: 3
            dataset: {name: fashion-mnist-sample}
            teacher: {arch: mlp, hidden: [64, 32], dropout: 0.1}
            student: {arch: mlp, hidden: [16]}
            stages:
              - {type: train, model: teacher, epochs: 2}
              - {type: train, model: baseline, epochs: 2}
              - {type: distill, temperature: 4, alpha: 0.9, epochs: 2}
              - {type: evaluate}
            """;

    @TempDir
    Path dir;

    Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, yaml);
        return p;
    }

    RunConfig load(String yaml, String... overrides) throws IOException {
        return ConfigLoader.load(write("run.yaml", yaml), List.of(overrides), SCHEMA);
    }

    String error(String yaml, String... overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, overrides));
        return e.getMessage();
    }

    static final String ONNX_TEACHER = """
            version: 1
            dataset: {name: fashion-mnist-sample}
            teacher: {load: t.onnx, layout: nhwc, mean: [0.5], std: 0.25, threads: 2}
            student: {arch: mlp, hidden: [16]}
            stages:
              - {type: train, model: baseline, epochs: 1}
              - {type: distill, epochs: 1}
              - {type: prune, model: student, sparsity: 0.5}
              - {type: evaluate}
            """;

    @Test
    void onnxTeacherKeysBindAndReadBack() throws IOException {
        RunConfig c = load(ONNX_TEACHER);
        assertTrue(c.teacher().isOnnx());
        assertEquals(new OnnxModelConfig(null, null, OnnxModelConfig.Layout.NHWC, List.of(0.5), List.of(0.25), 2),
                c.teacher().onnx());
        String yaml = ConfigWriter.toYaml(c);
        assertTrue(yaml.contains("format: onnx"), yaml);
        assertEquals(c, load(yaml), "the resolved config reads back");
        // format: onnx makes any file name an ONNX model; a .onnx file with format: dl4j is a zip; both read back
        RunConfig bin = load(ONNX_TEACHER.replace("load: t.onnx", "load: teacher.bin, format: onnx"));
        assertTrue(bin.teacher().isOnnx());
        assertEquals(bin, load(ConfigWriter.toYaml(bin)));
        RunConfig zip = load(ONNX_TEACHER.replace("load: t.onnx, layout: nhwc, mean: [0.5], std: 0.25, threads: 2",
                "load: t.onnx, format: dl4j"));
        assertTrue(!zip.teacher().isOnnx() && ConfigWriter.toYaml(zip).contains("format: dl4j"),
                ConfigWriter.toYaml(zip));
        assertEquals(zip, load(ConfigWriter.toYaml(zip)));
        assertEquals(List.of(ModelSlot.TEACHER, ModelSlot.BASELINE, ModelSlot.STUDENT),
                ((EvaluateStageConfig) c.stages().get(3)).models());
    }

    @Test
    void onnxTeacherMisuseIsAConfigErrorAtItsKey() {
        assertEquals("teacher.layout: only for an ONNX model (load: <model.onnx> or format: onnx); t.zip loads as a "
                + "DL4J model zip", error(ONNX_TEACHER.replace("load: t.onnx", "load: t.zip")));
        assertTrue(error(ONNX_TEACHER.replace("{type: train, model: baseline, epochs: 1}",
                "{type: train, model: teacher, epochs: 1}")).startsWith("stages[0].model: the teacher is an ONNX model "
                + "(teacher.load: t.onnx) that ONNX Runtime runs; it is never trained or compressed"));
        assertTrue(error(ONNX_TEACHER.replace("model: student, sparsity", "model: teacher, sparsity"))
                .startsWith("stages[2].model: the teacher is an ONNX model"));
        assertTrue(error(ONNX_TEACHER.replace("{type: evaluate}", "{type: export, model: teacher}"))
                .startsWith("stages[3].model: the teacher is an ONNX model (teacher.load: t.onnx) that ONNX Runtime "
                        + "runs; export cannot work on it"));
        assertTrue(error(ONNX_TEACHER.replace("{type: distill, epochs: 1}", "{type: distill, epochs: 1, loss: {type: "
                + "hint, student_layer: a, teacher_layer: b}}")).contains("gives only its logits, and 'hint' matches"));
        assertEquals("student.load: an ONNX model runs in ONNX Runtime and cannot be trained or compressed; only the "
                + "teacher may be ONNX (build the student from arch:, or load a DL4J zip)", error(ONNX_TEACHER
                .replace("student: {arch: mlp, hidden: [16]}", "student: {load: s.onnx}")));
        assertEquals("teacher.std[0]: must be > 0, got 0.0", error(ONNX_TEACHER.replace("std: 0.25", "std: 0")));
        assertEquals("teacher.format: unknown value 'tf'; allowed: dl4j, onnx",
                error(ONNX_TEACHER.replace("load: t.onnx", "load: t.onnx, format: tf")));
        assertEquals("teacher.layout: unknown value 'chw'; allowed: nchw, nhwc",
                error(ONNX_TEACHER.replace("layout: nhwc", "layout: chw")));
    }

    @Test
    void validConfigWithDefaults() throws IOException {
        RunConfig c = load(VALID);
        assertEquals("run", c.name());
        assertEquals(3, c.seed());
        assertEquals(4, c.stages().size());
        DistillStageConfig d = (DistillStageConfig) c.stages().get(2);
        assertEquals(new KdLoss(4.0, 0.9), d.loss());
        assertEquals(128, d.batchSize());
        assertEquals(OptimizerConfig.Type.ADAM, d.optimizer().type());
        assertEquals(1e-3, d.optimizer().lr());
        assertEquals(TeacherCache.AUTO, d.cacheTeacher());
        assertEquals("train-teacher", c.stages().get(0).name());
        assertEquals(List.of(ModelSlot.TEACHER, ModelSlot.BASELINE, ModelSlot.STUDENT),
                ((EvaluateStageConfig) c.stages().get(3)).models());
        assertEquals(new MlpSpec(List.of(64, 32), Activation.RELU, 0.1), c.teacher().arch());
        assertEquals(0.1, c.dataset().validation());
        assertEquals("experiments", c.output().dir());
    }

    @Test
    void aLossIsNamedOrInlineAsKd() throws IOException {
        String named = VALID.replace("{type: distill, temperature: 4, alpha: 0.9, epochs: 2}",
                "{type: distill, loss: {type: kd, temperature: 2, alpha: 0.5}, epochs: 2}");
        DistillStageConfig d = (DistillStageConfig) load(named).stages().get(2);
        assertEquals(new KdLoss(2.0, 0.5), d.loss());
        RunConfig inline = load(VALID, "stages.distill.temperature=2", "stages.distill.alpha=0.5");
        assertEquals(d, inline.stages().get(2));
        assertEquals("stages[2].loss.type: unknown loss 'dkdd'; known: at, combined, dist, dkd, hint, kd",
                error(named.replace("type: kd", "type: dkdd")));
        assertEquals("stages[2].loss.temperature: must be > 0, got -1",
                error(named.replace("temperature: 2", "temperature: -1")));
        assertTrue(error(named, "stages.distill.temperature=3")
                .startsWith("stages[2].temperature: unknown key; allowed here: name, losses, loss,"));
        String prune = "  - {type: prune, sparsity: 0.5, loss: {type: kd, temperature: 3}}\n";
        PruneStageConfig p = (PruneStageConfig) load(VALID.replace("  - {type: evaluate}\n", prune)).stages().get(3);
        assertEquals(new KdLoss(3.0, 0.9), p.finetune().loss());

        String dkd = VALID.replace("{type: distill, temperature: 4, alpha: 0.9, epochs: 2}",
                "{type: distill, loss: {type: dkd, beta: 4, warmup: 2}, epochs: 2}");
        RunConfig c = load(dkd);
        assertEquals(new org.distill4j.loss.DkdLoss(4.0, 1.0, 4.0, 1.0, 2),
                ((DistillStageConfig) c.stages().get(2)).loss());
        assertTrue(ConfigWriter.toYaml(c).contains("  loss:\n    type: dkd\n    temperature: 4.0\n    alpha: 1.0\n"
                + "    beta: 4.0\n    ce: 1.0\n    warmup: 2\n"), ConfigWriter.toYaml(c));
        assertEquals(c, load(ConfigWriter.toYaml(c)), "the resolved config reads back");
        assertEquals("stages[2].loss.beta: must be in [0, 1000], got -1", error(dkd.replace("beta: 4", "beta: -1")));
        String both = VALID.replace("{type: distill, temperature: 4, alpha: 0.9, epochs: 2}",
                "{type: distill, losses: [{type: dkd, beta: 4}, {type: dist, weight: 0.5}], epochs: 2}");
        RunConfig sum = load(both);
        assertEquals(new org.distill4j.loss.CombinedLoss(List.of(
                new org.distill4j.loss.CombinedLoss.Term(new org.distill4j.loss.DkdLoss(4.0, 1.0, 4.0, 1.0, 0), 1.0),
                new org.distill4j.loss.CombinedLoss.Term(new org.distill4j.loss.DistLoss(1.0, 1.0, 1.0, 1.0), 0.5))),
                ((DistillStageConfig) sum.stages().get(2)).loss());
        String written = ConfigWriter.toYaml(sum);
        assertTrue(written.contains("  loss:\n    type: combined\n    losses:\n    - type: dkd\n      weight: 1.0\n"),
                written);
        assertEquals(sum, load(written), "the resolved config reads back");
        assertEquals("stages[2].losses[1].type: unknown loss 'distt'; known: at, combined, dist, dkd, hint, kd",
                error(both.replace("type: dist,", "type: distt,")));
        assertEquals("stages[2].losses[1].weight: must be in [0, 1000], got -1",
                error(both.replace("weight: 0.5", "weight: -1")));
        assertEquals("stages[2].losses[0].gamma: unknown key; allowed here: temperature, alpha, beta, ce, warmup",
                error(both.replace("beta: 4", "gamma: 4")));
        assertEquals("stages[2].losses: give either loss or losses, not both",
                error(both.replace("weight: 0.5}], epochs", "weight: 0.5}], loss: {type: kd}, epochs")));
        String dist = dkd.replace("{type: dkd, beta: 4, warmup: 2}", "{type: dist, gamma: 2}");
        assertEquals(new org.distill4j.loss.DistLoss(1.0, 1.0, 2.0, 1.0), ((DistillStageConfig) load(dist).stages()
                .get(2)).loss());
        assertEquals("stages[2].loss.warmup: unknown key; allowed here: temperature, beta, gamma, ce",
                error(dist.replace("gamma: 2", "warmup: 2")));
    }

    /**
     * Every committed run's resolved config (and sweep base) reads back and is written again byte for byte (golden
     * files): the kd loss inline, every key in its place. Runs older than prune's {@code structure}/{@code norm} and
     * quantize's {@code fold_batchnorm} keys lack those three default lines, and only those.
     */
    @Test
    void committedResolvedConfigsAreWrittenAgainUnchanged() throws IOException {
        List<Path> files;
        try (var s = Files.walk(Path.of("experiments/official"))) {
            files = s.filter(p -> p.getFileName().toString().matches("(config|base)\\.resolved\\.yaml")).sorted()
                    .toList();
        }
        assertTrue(files.size() >= 30, files.toString());
        for (Path f : files) {
            String text = Files.readString(f);
            String again = ConfigWriter.toYaml(ConfigLoader.parseResolved(text, SCHEMA));
            if (!text.contains("structure:")) {
                again = again.replace("  structure: weights\n  norm: l1\n", "");
            }
            if (!text.contains("fold_batchnorm:")) {
                again = again.replace("  fold_batchnorm: true\n", "");
            }
            assertEquals(text, again, f.toString());
        }
    }

    /** Files no config can be: nested past any real config, too large, not text. One line each, before binding. */
    @Test
    void deepHugeOrBinaryFilesAreOneLineErrors() throws IOException {
        Path deep = write("deep.yaml", "version: 1\nextra: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        assertEquals(deep + ": mappings and lists nested more than 64 levels deep",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(deep, List.of(), SCHEMA)).getMessage());
        Path big = write("big.yaml", "version: 1\n" + "# padding\n".repeat(200_000));
        assertEquals("config file " + big + " is larger than 1 MiB; a config is a few kilobytes of YAML",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(big, List.of(), SCHEMA)).getMessage());
        Path binary = Files.write(dir.resolve("binary.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertEquals("config file " + binary + " is not UTF-8 text",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(binary, List.of(), SCHEMA)).getMessage());
        Path zero = Path.of("/dev/zero");
        if (Files.isReadable(zero)) {
            assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(zero, List.of(), SCHEMA))
                    .getMessage().startsWith("config file /dev/zero is larger than 1 MiB"));
        }
        String nested = "version: 1\nextra: " + "[".repeat(60) + "]".repeat(60) + "\n";
        assertTrue(!error(nested).contains("nested"), "60 levels are read and bound as usual: " + error(nested));
    }

    /** Inputs that used to be accepted silently or answered with the wrong reason. */
    @Test
    void tagsDocumentsMalformedKeysAndOverflowsAreNamed() {
        String tagged = error(VALID + "extra: !custom 5\n");
        assertTrue(tagged.matches("YAML tags \\(!custom\\) are not supported, in .* at line \\d+; a config is plain "
                + "data"), tagged);
        assertTrue(error(VALID + "---\nversion: 1\n").matches("more than one YAML document in .* \\(line \\d+\\); a "
                + "config is one mapping"), error(VALID + "---\nversion: 1\n"));
        assertEquals("--set stages[0.epochs: malformed key; name nested keys with '.' and list elements with [i], a "
                + "name or a type, e.g. stages[2].epochs or stages.distill.temperature",
                error(VALID, "stages[0.epochs=3"));
        assertEquals("stages[2].temperature: must be a finite number, got 1E+400 (beyond the range of a double)",
                error(VALID, "stages.distill.temperature=1e400"));
        assertEquals("stages[0].epochs: must be an integer from -2147483648 to 2147483647, got 1000000000000",
                error(VALID, "stages[0].epochs=1000000000000"));
        assertEquals("name: must be at most 100 characters (it names a folder), got 300",
                error(VALID, "name=" + "n".repeat(300)));
    }

    /** YAML's float specials are numbers that are not finite, in a file and in --set, not "invalid YAML". */
    @Test
    void yamlFloatSpecialsAreNamedAsNotFinite() {
        assertEquals("stages[2].temperature: must be a finite number, got .nan",
                error(VALID.replace("temperature: 4", "temperature: .nan")));
        assertEquals("stages[2].alpha: must be a finite number, got -.inf",
                error(VALID.replace("alpha: 0.9", "alpha: -.Inf")));
        assertEquals("stages[2].optimizer.lr: must be a finite number, got .inf",
                error(VALID, "stages.distill.optimizer.lr=.inf"));
        assertEquals("stages[2].temperature: must be a finite number, got .nan",
                error(VALID, "stages.distill.temperature=.NaN"));
        assertEquals("stages[0].epochs: must be an integer, got .nan", error(VALID, "stages[0].epochs=.nan"));
        assertEquals("dataset.validation: must be a finite number, got .inf",
                error(VALID.replace("{name: fashion-mnist-sample}",
                        "{name: fashion-mnist-sample, validation: +.inf}")));
    }

    /** A run name taken from the config's file name is not the user's writing: the error says where it came from. */
    @Test
    void aRunNameDerivedFromTheFileNameSaysSo() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("my run!.yaml", VALID), List.of(), SCHEMA));
        assertEquals("name: derived from the file name 'my run!.yaml': must start with a letter, digit or '_' and hold "
                + "only letters, digits, '.', '_' or '-', got 'my run!'; set name: in the config", e.getMessage());
        String longName = "a".repeat(150);
        e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write(longName + ".yaml", VALID), List.of(), SCHEMA));
        assertEquals("name: derived from the file name '" + longName + ".yaml': must be at most 100 characters (it "
                + "names a folder), got 150; set name: in the config", e.getMessage());
        assertEquals("ok", ConfigLoader.load(write("my run!.yaml", VALID + "name: ok\n"), List.of(), SCHEMA).name());
        assertEquals("name: must start with a letter, digit or '_' and hold only letters, digits, '.', '_' or '-', "
                + "got 'x y'", error(VALID + "name: x y\n"));
    }

    @Test
    void resolvedConfigRoundTripsToAnEqualRecord() throws IOException {
        RunConfig c = load(VALID, "stages.distill.temperature=8");
        String yaml = ConfigWriter.toYaml(c);
        RunConfig back = ConfigLoader.parse(yaml, "other", SCHEMA);
        assertEquals(c, back);
        assertEquals(yaml, ConfigWriter.toYaml(back));
        assertTrue(yaml.contains("temperature: 8.0"), yaml);
    }

    @Test
    void outOfRangeValueNamesPathAndValue() {
        assertEquals("stages[2].temperature: must be > 0, got -2",
                error(VALID.replace("temperature: 4", "temperature: -2")));
        assertEquals("stages[2].alpha: must be in [0, 1], got 1.5", error(VALID.replace("alpha: 0.9", "alpha: 1.5")));
        assertEquals("stages[0].epochs: must be 1..100000, got 0",
                error(VALID.replace("model: teacher, epochs: 2", "model: teacher, epochs: 0")));
        assertEquals("teacher.dropout: must be in [0, 1), got 1", error(VALID.replace("dropout: 0.1", "dropout: 1")));
        assertEquals("teacher.hidden[1]: must be 1..65536, got 0", error(VALID.replace("[64, 32]", "[64, 0]")));
    }

    @Test
    void unknownKeysAreErrors() {
        assertEquals("stages[2].temprature: unknown key; allowed here: name, losses, loss, temperature, alpha, "
                + "cache_teacher, epochs, batch_size, optimizer",
                error(VALID.replace("temperature: 4", "temprature: 4")));
        assertEquals("sed: unknown key; allowed here: version, name, seed, dataset, teacher, student, stages, output",
                error(VALID + "sed: 1\n"));
        assertEquals("teacher.hiden: unknown key; allowed here: hidden, activation, dropout",
                error(VALID.replace("{arch: mlp, hidden: [64, 32], dropout: 0.1}",
                        "{arch: mlp, hidden: [64, 32], hiden: [1]}")));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertEquals("stages[1].type: unknown stage type 'svd'; known: distill, evaluate, export, lowrank, prune, "
                + "ptq, quantize, train",
                error(VALID.replace("{type: train, model: baseline, epochs: 2}", "{type: svd}")));
        assertEquals("student.arch: unknown architecture 'vgg'; known: layers, lenet5, mlp, resnet",
                error(VALID.replace("{arch: mlp, hidden: [16]}", "{arch: vgg}")));
        assertEquals("stages[2].optimizer.type: unknown value 'rmsprop'; allowed: adam, sgd",
                error(VALID.replace("alpha: 0.9,", "alpha: 0.9, optimizer: {type: rmsprop},")));
        assertEquals("stages[0].model: unknown value 'teachr'; allowed: teacher, baseline, student",
                error(VALID.replace("model: teacher", "model: teachr")));
    }

    @Test
    void wrongTypesNameThePath() {
        assertEquals("stages[2].temperature: must be a number, got 'hot'",
                error(VALID.replace("temperature: 4", "temperature: hot")));
        assertEquals("seed: must be an integer, got 'x'", error(VALID.replace("seed: 3", "seed: x")));
        assertEquals("stages: must be a list, got a mapping",
                error(VALID.replaceAll("(?s)stages:.*", "stages: {a: 1}\n")));
    }

    @Test
    void architectureChecks() {
        assertEquals("teacher.depth: must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110), got 21",
                error(VALID.replace("{arch: mlp, hidden: [64, 32], dropout: 0.1}", "{arch: resnet, depth: 21}")));
        assertEquals("student.layers[0].units: missing (required for this layer type)",
                error(VALID.replace("{arch: mlp, hidden: [16]}", "{arch: layers, layers: [{type: dense}]}")));
        assertEquals("student.layers[1].units: not allowed for a conv layer",
                error(VALID.replace("{arch: mlp, hidden: [16]}",
                        "{arch: layers, layers: [{type: conv, filters: 4}, {type: conv, filters: 4, units: 3}]}")));
    }

    @Test
    void stageOrderIsChecked() {
        String noTeacherStage = VALID.replace("  - {type: train, model: teacher, epochs: 2}\n", "");
        assertEquals("stages[1]: distill needs a teacher: add a train stage with 'model: teacher' before it, or set "
                + "teacher.load", error(noTeacherStage));
        assertEquals("stages[2].name: duplicate stage name 'train-teacher'; give each stage a unique name",
                error(VALID.replace("{type: distill, temperature: 4, alpha: 0.9, epochs: 2}",
                        "{type: train, model: teacher}")));
        assertEquals("stages[0].models[0]: 'student' is not trained or loaded by any earlier stage",
                error(VALID.replaceAll("(?s)stages:.*", "stages:\n  - {type: evaluate, models: [student]}\n")));
        assertEquals("stages[2].cache_teacher: cannot cache teacher logits with augmentation on (dataset.augment); "
                + "use auto or never",
                error(VALID.replace("alpha: 0.9,", "alpha: 0.9, cache_teacher: always,")
                        .replace("{name: fashion-mnist-sample}",
                                "{name: fashion-mnist-sample, augment: {flip: true}}")));
        assertEquals("dataset.augment.mixup: must be in [0, 10], got -1",
                error(VALID.replace("{name: fashion-mnist-sample}",
                        "{name: fashion-mnist-sample, augment: {mixup: -1}}")));
        // a loaded teacher needs no train stage
        String loaded = noTeacherStage.replace("{arch: mlp, hidden: [64, 32], dropout: 0.1}", "{load: t.zip}");
        assertEquals("t.zip", assertDoesNotThrowLoad(loaded).teacher().load());
    }

    RunConfig assertDoesNotThrowLoad(String yaml) {
        try {
            return load(yaml);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static final String COMPRESS = VALID.replace("  - {type: evaluate}\n", """
              - {type: prune, sparsity: 0.9, epochs: 2}
              - {type: quantize, bits: 6, epochs: 1}
              - {type: export}
              - {type: evaluate}
            """);

    @Test
    void compressionStagesWithDefaults() throws IOException {
        RunConfig c = load(COMPRESS);
        PruneStageConfig p = (PruneStageConfig) c.stages().get(3);
        assertEquals(ModelSlot.STUDENT, p.model());
        assertEquals(0.9, p.sparsity());
        assertEquals(List.of("first-conv", "output"), p.skip());
        assertEquals(PruneStageConfig.Scope.LAYER, p.scope());
        assertEquals(50, p.frequency());
        assertEquals(null, p.end());
        assertTrue(p.finetune().distill());
        QuantizeStageConfig q = (QuantizeStageConfig) c.stages().get(4);
        assertEquals(6, q.bits());
        assertEquals(8, q.activationBits());
        assertEquals(0.99, q.emaDecay());
        assertEquals(List.of(), q.skip());
        assertTrue(((ExportStageConfig) c.stages().get(5)).huffman());
        RunConfig back = ConfigLoader.parse(ConfigWriter.toYaml(c), "other", SCHEMA);
        assertEquals(c, back);
    }

    @Test
    void badCompressionParametersNameTheirPath() {
        assertEquals("stages[3].sparsity: must be in [0, 1) (the fraction of weights removed), got 1",
                error(COMPRESS.replace("sparsity: 0.9", "sparsity: 1")));
        assertEquals("stages[3].sparsity_by_kind.conv: must be in [0, 1) (the fraction of weights removed), got 1.5",
                error(COMPRESS.replace("sparsity: 0.9", "sparsity: 0.9, sparsity_by_kind: {conv: 1.5}")));
        assertEquals("stages[3].sparsity: missing", error(COMPRESS.replace("sparsity: 0.9, ", "")));
        assertEquals("stages[3].initial_sparsity: must not exceed sparsity (0.9), got 0.95",
                error(COMPRESS.replace("sparsity: 0.9", "sparsity: 0.9, initial_sparsity: 0.95")));
        assertEquals("stages[3].sparsity_by_kind.fc: unknown key; allowed here: conv, dense, output",
                error(COMPRESS.replace("sparsity: 0.9", "sparsity: 0.9, sparsity_by_kind: {fc: 0.5}")));
        assertEquals("stages[3].scope: unknown value 'net'; allowed: layer, global",
                error(COMPRESS.replace("sparsity: 0.9", "sparsity: 0.9, scope: net")));
        assertEquals("stages[4].bits: must be 2..8, got 16", error(COMPRESS.replace("bits: 6", "bits: 16")));
        assertEquals("stages[4].bits_by_kind.dense: must be 2..8, got 1",
                error(COMPRESS.replace("bits: 6", "bits: 6, bits_by_kind: {dense: 1}")));
        assertEquals("stages[4].activation_bits: must be 2..8 (or 0 for float activations), got 12",
                error(COMPRESS.replace("bits: 6", "bits: 6, activation_bits: 12")));
        assertEquals("stages[4].ema_decay: must be in [0, 1), got 1",
                error(COMPRESS.replace("bits: 6", "bits: 6, ema_decay: 1")));
        assertEquals("stages[3].scope: global ranks single weights; with structure: filters each layer loses its own "
                + "fraction of filters",
                error(COMPRESS.replace("sparsity: 0.9", "sparsity: 0.9, structure: filters, scope: global")));
        assertEquals("stages[3].rank: give exactly one of rank or energy",
                error(COMPRESS.replace("{type: prune, sparsity: 0.9, epochs: 2}",
                        "{type: lowrank, rank: 4, energy: 0.9}")));
        assertEquals("stages[3].energy: must be in (0, 1], got 1.5",
                error(COMPRESS.replace("{type: prune, sparsity: 0.9, epochs: 2}", "{type: lowrank, energy: 1.5}")));
        assertEquals("stages[3].model: prune works on the baseline, which no earlier stage trains or loads",
                error(COMPRESS.replace("{type: train, model: baseline, epochs: 2}",
                        "{type: train, model: teacher, name: t2, epochs: 1}")
                        .replace("sparsity: 0.9,", "sparsity: 0.9, model: baseline,")));
    }

    @Test
    void versionIsRequired() {
        assertEquals("version: missing; this distill4j reads 'version: 1'", error(VALID.replace("version: 1\n", "")));
        assertEquals("version: must be 1, got 2", error(VALID.replace("version: 1", "version: 2")));
    }

    @Test
    void invalidYamlNamesLine() {
        String msg = error(VALID.replace("seed: 3", "seed: [3"));
        assertTrue(msg.startsWith("invalid YAML in "), msg);
        assertTrue(msg.contains("line "), msg);
    }

    @Test
    void duplicateKeysAreErrors() {
        String msg = error(VALID.replace("seed: 3", "seed: 3\nseed: 4"));
        assertTrue(msg.contains("Duplicate field 'seed'"), msg);
    }

    @Test
    void baseMergesMapsAndReplacesLists() throws IOException {
        write("_base/common.yaml", """
                version: 1
                seed: 11
                dataset: {name: fashion-mnist, validation: 0.2}
                teacher: {arch: mlp, hidden: [100, 100], dropout: 0.3}
                student: {arch: mlp, hidden: [10]}
                stages:
                  - {type: train, model: teacher}
                """);
        Path child = write("sub/child.yaml", """
                base: ../_base/common.yaml
                dataset: {name: fashion-mnist-sample}
                teacher: {hidden: [50]}
                stages:
                  - {type: train, model: student, epochs: 3}
                """);
        RunConfig c = ConfigLoader.load(child, List.of(), SCHEMA);
        assertEquals(11, c.seed());
        assertEquals("fashion-mnist-sample", c.dataset().name());
        assertEquals(0.2, c.dataset().validation());
        assertEquals(new MlpSpec(List.of(50), Activation.RELU, 0.3), c.teacher().arch());
        assertEquals(1, c.stages().size());
        assertEquals(ModelSlot.STUDENT, ((TrainStageConfig) c.stages().get(0)).model());
        assertEquals("child", c.name());
    }

    @Test
    void baseCycleAndMissingBase() throws IOException {
        Path a = write("a.yaml", "base: b.yaml\nversion: 1\n");
        write("b.yaml", "base: a.yaml\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(a, List.of(), SCHEMA));
        assertTrue(e.getMessage().startsWith("base: cycle: "), e.getMessage());
        Path c = write("c.yaml", "base: nope.yaml\n");
        assertEquals("base: file not found: nope.yaml (relative to " + dir.toAbsolutePath() + ")",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(c, List.of(), SCHEMA)).getMessage());
    }

    @Test
    void overridesAddressListsByTypeNameOrIndex() throws IOException {
        RunConfig c = load(VALID, "stages.distill.temperature=8", "seed=7", "stages[0].epochs=5",
                "stages.train-baseline.batch_size=32", "student.hidden=[20, 10]");
        assertEquals(8.0, ((KdLoss) ((DistillStageConfig) c.stages().get(2)).loss()).temperature());
        assertEquals(7, c.seed());
        assertEquals(5, ((TrainStageConfig) c.stages().get(0)).epochs());
        assertEquals(32, ((TrainStageConfig) c.stages().get(1)).batchSize());
        assertEquals(List.of(20, 10), ((MlpSpec) c.student().arch()).hidden());
    }

    @Test
    void badOverrides() {
        assertEquals("--set stages.train.epochs: 'train' matches 2 elements of stages (train-teacher, train-baseline, "
                + "distill, evaluate); use the stage name or an index", error(VALID, "stages.train.epochs=3"));
        assertEquals("--set stages.prune.bits: no element of stages is named or typed 'prune'; elements: "
                + "train-teacher, train-baseline, distill, evaluate (or use an index)",
                error(VALID, "stages.prune.bits=4"));
        assertEquals("--set seed: expected key=value, e.g. stages.distill.temperature=8", error(VALID, "seed"));
        assertEquals("stages[2].temperature: must be > 0, got -1", error(VALID, "stages.distill.temperature=-1"));
        assertEquals("stages[2].tempreature: unknown key; allowed here: name, losses, loss, temperature, alpha, "
                + "cache_teacher, epochs, batch_size, optimizer", error(VALID, "stages.distill.tempreature=3"));
    }

    @Test
    void namesCannotEscapeTheRunDirectory() {
        assertEquals("stages[2].name: must start with a letter, digit or '_' and hold only letters, digits, '_' or "
                + "'-', got '../x'", error(VALID.replace("alpha: 0.9,", "alpha: 0.9, name: ../x,")));
        assertEquals("name: must start with a letter, digit or '_' and hold only letters, digits, '.', '_' or "
                + "'-', got '..'", error(VALID + "name: ..\n"));
    }

    @Test
    void overrideEdgeCases() {
        assertEquals("--set stages.99999999999.epochs: stages has 4 elements, no index 2147483647",
                error(VALID, "stages.99999999999.epochs=3"));
        assertEquals("--set dataset.: empty path segment", error(VALID, "dataset.=x"));
    }

    @Test
    void yamlAliasesAreRejected() {
        String msg = error(VALID.replace("student: {arch: mlp, hidden: [16]}",
                "student: &s {arch: mlp, hidden: [16]}\nname: *s"));
        assertTrue(msg.startsWith("YAML aliases (*name) are not supported, in "), msg);
    }

    @Test
    void baseMappingIsReplacedWhenTheArchitectureChanges() throws IOException {
        write("b.yaml", VALID);
        Path child = write("c.yaml", "base: b.yaml\nstudent: {arch: resnet, depth: 8}\nteacher: {load: t.zip}\n");
        RunConfig c = ConfigLoader.load(child, List.of(), SCHEMA);
        assertEquals(new ResNetSpec(8, 16), c.student().arch());
        assertEquals("t.zip", c.teacher().load());
    }

    /** --set replaces a model mapping that switches between arch and load, or to another arch, as base: does. */
    @Test
    void anOverrideThatSwitchesArchOrLoadReplacesTheMapping() throws IOException {
        Path f = write("v.yaml", VALID);
        RunConfig c = ConfigLoader.load(f, List.of("teacher.load=t.zip", "student.arch=resnet", "student.depth=8"),
                SCHEMA);
        assertEquals("t.zip", c.teacher().load());
        assertEquals(new ResNetSpec(8, 16), c.student().arch());
        c = ConfigLoader.load(f, List.of("student.arch=mlp", "teacher.dropout=0.2"), SCHEMA);
        assertEquals(new MlpSpec(List.of(16), Activation.RELU, 0.0), c.student().arch(), "same arch: keys kept");
        assertEquals(new MlpSpec(List.of(64, 32), Activation.RELU, 0.2), c.teacher().arch());
    }

    @Test
    void aLoadedStudentCanBeEvaluated() throws IOException {
        RunConfig c = load(VALID.replace("{arch: mlp, hidden: [16]}", "{load: s.zip}").replaceAll("(?s)stages:.*",
                "stages:\n  - {type: evaluate}\n"));
        assertEquals(List.of(ModelSlot.STUDENT), ((EvaluateStageConfig) c.stages().get(0)).models());
    }

    @Test
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("none.yaml"), List.of(), SCHEMA));
        assertEquals("config file not found: " + dir.resolve("none.yaml"), e.getMessage());
    }

    @Test
    void shippedConfigsAllLoad() throws IOException {
        try (var files = Files.walk(Path.of("configs"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("_base"))
                    .toList();
            assertTrue(yamls.size() >= 3, "configs: " + yamls);
            for (Path p : yamls) {
                if (p.startsWith(Path.of("configs", "sweeps"))) {
                    assertInstanceOf(SweepConfig.class, SweepConfigLoader.load(p, SCHEMA, Sweep::metricProblem)
                            .config(), p.toString());
                    continue;
                }
                RunConfig c = ConfigLoader.load(p, List.of(), SCHEMA);
                assertInstanceOf(RunConfig.class, c, p.toString());
            }
        }
    }
}
