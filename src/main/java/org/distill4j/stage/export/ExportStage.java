package org.distill4j.stage.export;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ModelSlot;
import org.distill4j.data.Batches;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.CompactModel;
import org.distill4j.model.Net;
import org.distill4j.run.StageReport;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code type: export}: writes the model as a {@link CompactModel} file {@code <name>.d4jc} in the run directory,
 * reads it back, and checks that the loaded model's logits on the whole test split equal the in-memory model's
 * bit for bit (so its accuracy is the same); reports bytes, ratio, sparsity and bits per parameter and in total
 * (also in {@code <name>.json}), and the file's format version ({@code format_version}).
 */
public final class ExportStage implements Stage {
    public static final StageType<ExportStageConfig> TYPE = new StageType<>(ExportStageConfig.TYPE,
            ExportStageConfig.class, ExportStageConfig::bind, (c, path) -> new ExportStage(c));
    private static final Logger LOG = LogManager.getLogger(ExportStage.class);
    private final ExportStageConfig config;

    public ExportStage(ExportStageConfig config) {
        this.config = config;
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        ModelSlot slot = config.model();
        ModelState state = ctx.state(slot);
        Net net = state.net();
        Path file = ctx.runDir().file(config.name() + ".d4jc");
        CompactModel.Summary s = CompactModel.write(net, state.quantized(), config.huffman(), file);
        Net loaded = CompactModel.read(file);
        long mismatched = compare(net, loaded, ctx.test());
        if (mismatched > 0) {
            throw new IllegalStateException(file + " does not reproduce the " + slot.yaml() + ": " + mismatched
                    + " test logits differ");
        }
        double acc = Evaluator.accuracy(loaded, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", file.getFileName().toString());
        report.put("model", slot.yaml());
        report.put("huffman", config.huffman());
        report.put("dense_fp32_bytes", s.denseBytes());
        report.put("parameter_bytes", s.parameterBytes());
        report.put("architecture_bytes", s.architectureBytes());
        report.put("file_bytes", s.fileBytes());
        report.put(StageReport.FORMAT_VERSION, CompactModel.versionFor(state.quantized()));
        report.put("ratio_parameters", (double) s.denseBytes() / s.parameterBytes());
        report.put("ratio_file", (double) s.denseBytes() / s.fileBytes());
        report.put("test_accuracy", acc);
        report.put("logits_identical", true);
        report.put("params", s.entries().stream().map(CompactModel.Entry::toMap).toList());
        ctx.runDir().writeJson(config.name() + ".json", report);
        LOG.info("{}: wrote {} ({} bytes, {}x smaller than fp32 weights; parameters alone {}x); read back: test logits "
                + "identical, accuracy {}\n{}", config.name(), file.getFileName(), s.fileBytes(),
                String.format("%.1f", (double) s.denseBytes() / s.fileBytes()),
                String.format("%.1f", (double) s.denseBytes() / s.parameterBytes()),
                String.format("%.4f", acc), s.table());
        Map<String, Object> details = new LinkedHashMap<>(report);
        details.remove("params");
        return StageResult.report(StageReport.of(details));
    }

    /** How many test logits differ (bitwise) between two networks. */
    static long compare(Net a, Net b, Batches test) {
        int n = test.data().size();
        int[] order = test.inOrder();
        long diff = 0;
        for (int from = 0; from < n; from += Evaluator.DEFAULT_BATCH) {
            int to = Math.min(n, from + Evaluator.DEFAULT_BATCH);
            INDArray x = test.features(order, from, to, null);
            float[] la = a.output(x).dup('c').data().asFloat();
            float[] lb = b.output(x).dup('c').data().asFloat();
            for (int i = 0; i < la.length; i++) {
                diff += Float.floatToIntBits(la[i]) == Float.floatToIntBits(lb[i]) ? 0 : 1;
            }
        }
        return diff;
    }
}
