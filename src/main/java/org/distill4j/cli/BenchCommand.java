package org.distill4j.cli;

import org.distill4j.config.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.distill4j.config.Activation;
import org.distill4j.config.ArchSpec;
import org.distill4j.config.DatasetConfig;
import org.distill4j.model.MlpSpec;
import org.distill4j.config.ModelConfig;
import org.distill4j.model.ResNetSpec;
import org.distill4j.config.RunConfig;
import org.distill4j.data.Batches;
import org.distill4j.bench.ThroughputBench;
import org.distill4j.model.Architectures;
import org.distill4j.model.Backend;
import org.distill4j.model.Net;
import org.distill4j.model.OneDnn;
import org.distill4j.pipeline.Pipeline;
import org.distill4j.run.Env;
import org.distill4j.run.Json;
import org.distill4j.run.Machine;
import org.distill4j.run.Provenance;
import org.distill4j.run.Seeds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code distill bench}: steady-state samples/s of training steps, inference and distillation steps (teacher
 * logits cached, and teacher run per batch), for the reference networks of {@code shared/bench/kd_peer.py} or
 * for a config's teacher and student. Prints a table (with the reference's numbers and the ratio when
 * {@code --peer} names the reference's results file) and writes JSON with the machine, threads, load and
 * versions.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training, inference and distillation throughput; compare with the PyTorch reference.")
final class BenchCommand implements Callable<Integer> {
    static final List<String> REFERENCE_NETS = List.of("resnet20", "resnet8", "mlp_teacher", "mlp_student");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Benchmark this config's teacher and student instead of the reference networks.")
    Path config;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "Benchmark inference of this model "
            + "instead (repeatable): an .onnx file in ONNX Runtime at each of --onnx-threads, or a model zip or .d4jc "
            + "in DL4J (its threads: OMP_NUM_THREADS).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--onnx-threads", paramLabel = "N", split = ",", defaultValue = "1,2",
            description = "ONNX Runtime intra-op threads for each .onnx --model (default: ${DEFAULT-VALUE}).")
    List<Integer> onnxThreads = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key of --config (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--rows", paramLabel = "NAMES", split = ",",
            description = "Only these rows (comma-separated), e.g. train:resnet8,infer:resnet8.")
    List<String> rows = new ArrayList<>();

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps per row (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "50", description = "Steps per timed block (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--repeats", defaultValue = "3",
            description = "Timed blocks per row; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "Where the batches come from (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results here (JSON).")
    Path json;

    @Option(names = "--peer", paramLabel = "FILE", description = "The reference's results (kd_peer.py --mode bench "
            + "--results FILE); its last bench record is compared.")
    Path peer;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || iters < 1 || repeats < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch, --iters and --repeats must be >= 1, --warmup >= 0");
        }
        if (!models.isEmpty() && config != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --model or --config, not both");
        }
        if (onnxThreads.stream().anyMatch(t -> t < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--onnx-threads must be >= 1, got "
                    + onnxThreads);
        }
        List<org.distill4j.onnx.OnnxSession> sessions = new ArrayList<>();
        try {
            return measure(sessions);
        } finally {
            sessions.forEach(org.distill4j.onnx.OnnxSession::close);
        }
    }

    private int measure(List<org.distill4j.onnx.OnnxSession> sessions) throws IOException {
        Map<String, org.distill4j.onnx.OnnxKernels> kernels = new LinkedHashMap<>();
        Map<String, JsonNode> peerRows = peer == null ? Map.of() : readPeer(peer);
        String[] loadStart = Machine.loadavg();
        List<ThroughputBench.Row> all = new ArrayList<>();
        ThroughputBench bench;
        var input = new Architectures.InputShape(1, 28, 28);
        if (!models.isEmpty()) {
            var splits = cli.plugins().loadDataset(new DatasetConfig(dataset, null, 0, null), Env.home());
            var train = splits.train();
            bench = new ThroughputBench(new Batches(train, null), batch);
            input = new Architectures.InputShape(train.channels(), train.height(), train.width());
            for (Path m : models) {
                if (org.distill4j.onnx.OnnxSession.isOnnx(m)) {
                    kernels.put(m.toString(), org.distill4j.onnx.OnnxKernels.of(m, 1));
                    for (int t : onnxThreads) {
                        org.distill4j.onnx.OnnxSession s = org.distill4j.onnx.OnnxSession.open(m, t, null);
                        sessions.add(s);
                        s.checkFits(train.pixelsPerImage(), train.numClasses(), "--model " + m);
                        all.add(bench.inferOnnx(m + "@" + t + "t", s));
                    }
                } else {
                    Net net = Net.load(m);
                    net.checkFits(input, train.numClasses(), "--model " + m);
                    all.add(bench.infer(m.toString(), net));
                }
            }
        } else if (config == null) {
            bench = new ThroughputBench(new Batches(cli.plugins().loadDataset(new DatasetConfig(dataset, null, 0, null),
                    Env.home()).train(), null), batch);
            Map<String, Net> nets = new LinkedHashMap<>();
            for (String name : REFERENCE_NETS) {
                nets.put(name, Architectures.build(referenceArch(name), name, input, 10, Seeds.derive(42, name)));
            }
            for (String name : REFERENCE_NETS) {
                all.add(bench.train(name, nets.get(name)));
            }
            for (String name : REFERENCE_NETS) {
                all.add(bench.infer(name, nets.get(name)));
            }
            for (String[] pair : new String[][] {{"resnet20", "resnet8"}, {"mlp_teacher", "mlp_student"}}) {
                all.add(bench.distill(pair[0], pair[1], nets.get(pair[0]), nets.get(pair[1]), false));
                all.add(bench.distill(pair[0], pair[1], nets.get(pair[0]), nets.get(pair[1]), true));
            }
        } else {
            RunConfig rc = org.distill4j.config.ConfigLoader.load(config, overrides, cli.plugins().schema());
            var splits = cli.plugins().loadDataset(rc.dataset(), Env.home());
            bench = new ThroughputBench(new Batches(splits.train(), null), batch);
            input = new Architectures.InputShape(1, splits.train().height(), splits.train().width());
            Net teacher = configNet(rc.teacher(), "teacher", input, splits.train().numClasses(), rc.seed());
            Net student = configNet(rc.student(), "student", input, splits.train().numClasses(), rc.seed());
            all.add(bench.train("teacher", teacher));
            all.add(bench.train("student", student));
            all.add(bench.infer("teacher", teacher));
            all.add(bench.infer("student", student));
            all.add(bench.distill("teacher", "student", teacher, student, false));
            all.add(bench.distill("teacher", "student", teacher, student, true));
        }
        if (!rows.isEmpty()) {
            Set<String> known = new LinkedHashSet<>();
            all.forEach(r -> known.add(r.name()));
            for (String r : rows) {
                if (!known.contains(r)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--rows: unknown row '" + r
                            + "'; known: " + String.join(", ", known));
                }
            }
            all.removeIf(r -> !rows.contains(r.name()));
        }

        PrintWriter out = spec.commandLine().getOut();
        out.printf("distill bench: batch %d, warmup %d, %d x %d steps per row; %d cores, oneDNN in native library: %s, "
                + "DL4J helpers: %s; load %s%n", batch, warmup, repeats, iters,
                Runtime.getRuntime().availableProcessors(), Backend.nativeOneDnn(), OneDnn.enabled(),
                loadStart == null ? "n/a" : String.join(" ", loadStart));
        for (String w : Backend.speedWarnings()) {
            out.println("warning: " + w);
        }
        if (!kernels.isEmpty()) {
            out.println("CPU flags: " + String.join(" ", Provenance.cpuFlags()) + "; ONNX Runtime "
                    + org.distill4j.onnx.OnnxSession.runtimeVersion());
        }
        kernels.forEach((m, k) -> out.println("ONNX Runtime runs " + m + " with " + k.describe()));
        out.println(header(!peerRows.isEmpty()));
        out.flush();
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, ThroughputBench.Result> byName = new LinkedHashMap<>();
        for (ThroughputBench.Row row : all) {
            ThroughputBench.Result r = bench.run(row, warmup, iters, repeats);
            byName.put(r.name(), r);
            Map<String, Object> m = new LinkedHashMap<>(r.toMap());
            m.put("peak_rss_bytes", Machine.peakRssBytes());
            JsonNode p = peerRows.get(r.name());
            if (p != null) {
                m.put("peer_samples_per_s", p.path("samples_per_s").asDouble());
                m.put("ratio_to_peer", r.samplesPerSecond() / p.path("samples_per_s").asDouble());
            }
            results.add(m);
            out.println(line(r, p));
            out.flush();
        }
        List<Map<String, Object>> overheads = distillOverheads(byName);
        if (!overheads.isEmpty()) {
            out.println();
            out.println("distillation step against its parts (target: ratio <= 1.05)");
            for (Map<String, Object> o : overheads) {
                out.printf("  %-42s %8.2f ms  vs %-40s %8.2f ms  ratio %.3f%n", o.get("row"),
                        (Double) o.get("ms_per_iter"),
                        o.get("against"), (Double) o.get("against_ms"), (Double) o.get("ratio"));
            }
        }
        Long peak = Machine.peakRssBytes();
        out.printf("peak RSS of this process: %s; load at end %s%n",
                peak == null ? "n/a" : String.format("%.0f MiB", peak / 1048576.0),
                Machine.loadavg() == null ? "n/a" : String.join(" ", Machine.loadavg()));
        out.flush();

        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("kind", "distill4j-bench");
            doc.put("time", Instant.now().toString());
            doc.put("config", config == null ? null : config.toString());
            doc.put("models", models.stream().map(Path::toString).toList());
            doc.put("onnx_threads", onnxThreads);
            doc.put("onnxruntime_version", models.stream().anyMatch(org.distill4j.onnx.OnnxSession::isOnnx)
                    ? org.distill4j.onnx.OnnxSession.runtimeVersion() : null);
            Map<String, Object> ops = new LinkedHashMap<>();
            kernels.forEach((m, k) -> ops.put(m, k.ops()));
            doc.put("onnx_kernels", ops);
            doc.put("batch", batch);
            doc.put("warmup", warmup);
            doc.put("iters", iters);
            doc.put("repeats", repeats);
            doc.put("rows", results);
            doc.put("distill_overheads", overheads);
            doc.put("loadavg_start", loadStart);
            doc.put("loadavg_end", Machine.loadavg());
            doc.put("peak_rss_bytes", peak);
            doc.put("backend", Backend.describe());
            doc.putAll(Provenance.collect(Env.home(), List.of()));
            if (peer != null) {
                doc.put("peer_file", peer.toString());
            }
            Json.write(json, doc);
            out.println("-> " + json);
        }
        return DistillCli.EXIT_OK;
    }

    static ArchSpec referenceArch(String name) {
        return switch (name) {
            case "resnet20" -> new ResNetSpec(20, 16);
            case "resnet8" -> new ResNetSpec(8, 16);
            case "mlp_teacher" -> new MlpSpec(List.of(1200, 1200), Activation.RELU, 0.2);
            case "mlp_student" -> new MlpSpec(List.of(128), Activation.RELU, 0.0);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private Net configNet(ModelConfig mc, String slot, Architectures.InputShape input, int classes, long seed) {
        if (mc == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the config has no '" + slot + ":' section");
        }
        return Pipeline.model(slot, mc, input, classes, seed);
    }

    /**
     * Distillation step time over its parts: cached against the student's plain step, per-batch against teacher
     * inference plus it.
     */
    static List<Map<String, Object>> distillOverheads(Map<String, ThroughputBench.Result> byName) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ThroughputBench.Result r : byName.values()) {
            if (!r.kind().startsWith("distill")) {
                continue;
            }
            String[] pair = r.name().substring(r.name().indexOf(':') + 1).split("->");
            ThroughputBench.Result studentStep = byName.get("train:" + pair[1]);
            ThroughputBench.Result teacherInfer = byName.get("infer:" + pair[0]);
            double against;
            String what;
            if (r.kind().equals("distill-cached")) {
                if (studentStep == null) {
                    continue;
                }
                against = studentStep.msPerIter();
                what = "train:" + pair[1];
            } else {
                if (studentStep == null || teacherInfer == null) {
                    continue;
                }
                against = studentStep.msPerIter() + teacherInfer.msPerIter();
                what = "infer:" + pair[0] + " + train:" + pair[1];
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("row", r.name());
            m.put("ms_per_iter", r.msPerIter());
            m.put("against", what);
            m.put("against_ms", against);
            m.put("ratio", r.msPerIter() / against);
            out.add(m);
        }
        return out;
    }

    /** The last {@code "kind": "bench"} record of a kd_peer.py results file, by row name. */
    static Map<String, JsonNode> readPeer(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(InputException.Kind.ARGUMENT, "--peer: no such file: " + file);
        }
        JsonNode last = null;
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Json.MAPPER.readTree(line);
                if ("bench".equals(n.path("kind").asText())) {
                    last = n;
                }
            }
        } catch (IOException e) {
            throw new InputException(InputException.Kind.ARGUMENT, "--peer: " + file
                    + " is not a kd_peer.py results file (one JSON object per line): " + e.getMessage());
        }
        if (last == null) {
            throw new InputException(InputException.Kind.ARGUMENT,
                    "--peer: " + file + " has no bench record; run kd_peer.py --mode bench --results " + file);
        }
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (JsonNode r : last.path("rows")) {
            m.put(r.path("row").asText(), r);
        }
        return m;
    }

    private static String header(boolean peer) {
        String h = String.format("%-42s %9s %10s %10s %7s %5s", "row", "ms/iter", "samples/s", "best s/s",
                "spread", "load1");
        return peer ? h + String.format(" %12s %7s", "reference/s", "ratio") : h;
    }

    private static String line(ThroughputBench.Result r, JsonNode p) {
        String s = String.format("%-42s %9.2f %10.0f %10.0f %6.1f%% %5.2f", r.name(), r.msPerIter(),
                r.samplesPerSecond(), r.bestSamplesPerSecond(), r.spreadPercent(), r.load1());
        if (p != null) {
            double ps = p.path("samples_per_s").asDouble();
            s += String.format(" %12.0f %6.2fx", ps, r.samplesPerSecond() / ps);
        }
        return s;
    }
}
