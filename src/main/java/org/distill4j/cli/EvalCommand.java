package org.distill4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.model.Architectures;
import org.distill4j.data.ImageDataset;
import org.distill4j.config.DatasetConfig;
import org.distill4j.data.Batches;
import org.distill4j.data.FashionMnist;
import org.distill4j.eval.EvalResult;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.Net;
import org.distill4j.onnx.OnnxSession;
import org.distill4j.run.Env;
import org.distill4j.run.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill eval}: accuracy, top-5, per-class accuracy and confusion matrix of a saved model. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model (zip, .d4jc or .onnx) on a dataset's test (or train) split.")
final class EvalCommand implements Callable<Integer> {
    enum Split { test, train }

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE",
            description = "A model zip written by a run (e.g. experiments/.../distill.zip), a compact .d4jc export, or"
                    + " an .onnx export (run by ONNX Runtime).")
    Path model;

    @CommandLine.Mixin
    DatasetOptions data;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--batch-size", defaultValue = "128",
            description = "Inference batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the full result as JSON.")
    Path json;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be >= 1, got " + batchSize);
        }
        DatasetConfig dc = data.config();
        if (OnnxSession.isOnnx(model)) {
            try (OnnxSession onnx = OnnxSession.open(model, Runtime.getRuntime().availableProcessors(), null)) {
                FashionMnist.Splits s = cli.plugins().loadDataset(dc, Env.home());
                ImageDataset test = s.test();
                onnx.checkFits(test.pixelsPerImage(), test.numClasses(), "--model " + model);
                return print(Evaluator.evaluate(x -> onnx.runFlat(Evaluator.floats(x), (int) x.size(0)),
                        new Batches(split == Split.test ? s.test() : s.train(), null), batchSize));
            }
        }
        Net net = Net.load(model);
        FashionMnist.Splits s = cli.plugins().loadDataset(dc, Env.home());
        ImageDataset test = s.test();
        Architectures.InputShape in = new Architectures.InputShape(test.channels(), test.height(), test.width());
        net.checkFits(in, test.numClasses(), "--model " + model);
        try {
            int batch = Math.min(batchSize, test.size());
            Architectures.checkBatchFits(net.memoryBytes(in, batch, false), "the model on batches of " + batch);
        } catch (Architectures.TooLargeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size: " + e.getMessage()
                    .replace("use a smaller batch_size", "use a smaller --batch-size"));
        }
        return print(Evaluator.evaluate(net, new Batches(split == Split.test ? s.test() : s.train(), null),
                batchSize));
    }

    private int print(EvalResult r) throws java.io.IOException {
        spec.commandLine().getOut().print(r.report(model + " on " + data.dataset + "/" + split));
        spec.commandLine().getOut().flush();
        if (json != null) {
            Json.write(json, r.toMap());
        }
        return DistillCli.EXIT_OK;
    }
}
