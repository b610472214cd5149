package org.distill4j.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.RunConfig;
import org.distill4j.data.Batches;
import org.distill4j.bench.LayerProfile;
import org.distill4j.bench.StepProfile;
import org.distill4j.model.Architectures;
import org.distill4j.model.ModelSummary;
import org.distill4j.model.Net;
import org.distill4j.model.OneDnn;
import org.distill4j.run.Env;
import org.distill4j.run.Json;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code distill profile}: how fast a config's teacher or student trains and infers here, and where the time
 * goes, layer by layer. Run with {@code DISTILL4J_JAVA_OPTS=-Ddistill4j.onednn=false} to compare
 * without DL4J's oneDNN helpers.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Time training and inference steps of a config's model, and each layer's forward and "
        + "backward pass.")
final class ProfileCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--model", defaultValue = "teacher",
            description = "teacher or student (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--layers", defaultValue = "true", negatable = true,
            description = "Also time each layer's forward and backward pass (default: ${DEFAULT-VALUE}).")
    boolean layers;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!model.equals("teacher") && !model.equals("student")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--model must be teacher or student, got " + model);
        }
        if (batch < 1 || iterations < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch and --iterations must be >= 1, --warmup >= 0");
        }
        RunConfig config = options.load(cli.plugins());
        ModelConfig mc = model.equals("teacher") ? config.teacher() : config.student();
        if (mc == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the config has no '" + model + ":' section");
        }
        var splits = cli.plugins().loadDataset(config.dataset(), Env.home());
        Batches train = new Batches(splits.train(), null);
        var input = new Architectures.InputShape(1, splits.train().height(), splits.train().width());
        Net net = org.distill4j.pipeline.Pipeline.model(model, mc, input, splits.train().numClasses(), config.seed());
        var out = spec.commandLine().getOut();
        out.println(ModelSummary.of(net, input)
                .table(model + " (" + (mc.load() != null ? mc.load() : mc.arch().arch()) + ")"));
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("model", model);
        m.put("onednn_helpers", OneDnn.enabled());
        m.put("helper_in_use", OneDnn.helperOf(net));
        m.put("threads", Runtime.getRuntime().availableProcessors());
        m.putAll(StepProfile.measure(net, train, batch, warmup, iterations));
        out.print(Json.pretty(m));
        out.flush();
        if (layers) {
            int[] order = train.inOrder();
            int n = Math.min(batch, train.data().size());
            var rows = LayerProfile.measure(net,
                    new DataSet(train.features(order, 0, n, null), train.oneHot(order, 0, n)),
                    Math.max(3, iterations / 2));
            out.println("layer-by-layer time of one training step (batch " + n + ", median of "
                    + Math.max(3, iterations / 2) + "):");
            out.print(LayerProfile.table(rows, (Double) m.get("train_step_ms_median")));
            out.flush();
        }
        return DistillCli.EXIT_OK;
    }
}
