package org.distill4j.stage.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ModelSlot;
import org.distill4j.data.Batches;
import org.distill4j.eval.Evaluator;
import ai.onnx.proto.OnnxMl;
import org.distill4j.model.Architectures;
import org.distill4j.model.CompactModel;
import org.distill4j.model.Net;
import org.distill4j.onnx.OnnxCheck;
import org.distill4j.onnx.OnnxExport;
import org.distill4j.onnx.OnnxKernels;
import org.distill4j.onnx.OnnxSession;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.RunProvenance;
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
 * (also in {@code <name>.json}), and the file's format version ({@code format_version}). With {@code format: onnx}
 * it writes {@code <name>.onnx} ({@link OnnxExport}) once ONNX Runtime has run it on the test split and it gave the
 * model's logits ({@link OnnxCheck}); its {@code onnx_*} figures join the report.
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
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", slot.yaml());
        report.put("format", config.format().stream().map(ExportStageConfig.Format::yaml).toList());
        List<Object> params = null;
        if (config.format().contains(ExportStageConfig.Format.D4JC)) {
            params = compact(ctx, state, report);
        }
        if (config.format().contains(ExportStageConfig.Format.ONNX)) {
            onnx(ctx, state, report);
        }
        Map<String, Object> written = new LinkedHashMap<>(report);
        if (params != null) {
            written.put("params", params);
        }
        ctx.runDir().writeJson(config.name() + ".json", written);
        return StageResult.report(StageReport.of(report));
    }

    /** Writes and checks {@code <name>.d4jc}; its figures go to {@code report}; returns its per-layer table. */
    private List<Object> compact(StageContext ctx, ModelState state, Map<String, Object> report) throws Exception {
        ModelSlot slot = config.model();
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
        report.put("file", file.getFileName().toString());
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
        LOG.info("{}: wrote {} ({} bytes, {}x smaller than fp32 weights; parameters alone {}x); read back: test logits "
                + "identical, accuracy {}\n{}", config.name(), file.getFileName(), s.fileBytes(),
                String.format("%.1f", (double) s.denseBytes() / s.fileBytes()),
                String.format("%.1f", (double) s.denseBytes() / s.parameterBytes()),
                String.format("%.4f", acc), s.table());
        return new ArrayList<>(s.entries().stream().map(CompactModel.Entry::toMap).toList());
    }

    /**
     * Writes {@code <name>.onnx} (QDQ when the model is quantized) after ONNX Runtime has run it on the whole test
     * split and it gave the model's logits ({@link OnnxCheck#problem}); a file that does not is not written and the
     * stage fails. The file's metadata carries the model's provenance and accuracy.
     */
    private void onnx(StageContext ctx, ModelState state, Map<String, Object> report) throws Exception {
        ModelSlot slot = config.model();
        Net net = state.net();
        Architectures.InputShape in = ctx.input();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("distill4j.model", slot.yaml());
        meta.put("distill4j.classes", String.join(",", ctx.test().data().classNames()));
        meta.put("distill4j.run", ctx.runDir().path().getFileName().toString());
        RunProvenance prov = RunProvenance.read(ctx.runDir().path());
        meta.put("distill4j.config_sha256", String.valueOf(prov.configSha256()));
        if (prov.code() != null && prov.code().get("git_commit") != null) {
            meta.put("distill4j.git_commit", String.valueOf(prov.code().get("git_commit")));
        }
        OnnxMl.ModelProto model = OnnxExport.export(net, in, state.quantized(), meta, pixelStep(ctx.test()));
        boolean qdq = model.getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("DequantizeLinear"));
        boolean dynamic = model.getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("DynamicQuantizeLinear"));
        Path file = ctx.runDir().file(config.name() + ".onnx");
        Path checked = Files.createTempFile(ctx.runDir().path(), config.name(), ".onnx.tmp");
        Path optimized = Files.createTempFile(ctx.runDir().path(), config.name(), ".ort.tmp");
        OnnxCheck check;
        OnnxKernels kernels;
        try {
            Files.write(checked, model.toByteArray());
            // the session that checks the file also writes the graph ONNX Runtime optimized it into
            try (OnnxSession s = OnnxSession.open(checked, Runtime.getRuntime().availableProcessors(), optimized)) {
                check = OnnxCheck.of(net, s, ctx.test());
            }
            kernels = OnnxKernels.read(optimized);
        } finally {
            Files.deleteIfExists(checked);
            Files.deleteIfExists(optimized);
        }
        String problem = check.problem(qdq || dynamic);
        if (problem != null) {
            throw new org.distill4j.spi.StageFailedException(config.name() + ": " + file.getFileName()
                    + " would not stand for the " + slot.yaml()
                    + " in ONNX Runtime: " + problem + "; not written");
        }
        byte[] bytes = model.toBuilder().addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                .setKey("distill4j.test_accuracy").setValue(Double.toString(check.accuracy())))
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("distill4j.onnx_test_accuracy")
                        .setValue(Double.toString(check.onnxAccuracy()))).build().toByteArray();
        AtomicFiles.write(file, p -> Files.write(p, bytes));
        long dense = net.numParams() * Float.BYTES;
        report.put("onnx_file", file.getFileName().toString());
        report.put("onnx_bytes", (long) bytes.length);
        report.put("onnx_opset", OnnxExport.OPSET);
        report.put("onnx_qdq", qdq);
        report.put("onnx_dynamic", dynamic);
        report.put("onnx_ratio_file", (double) dense / bytes.length);
        report.put("onnx_max_logit_difference", check.relativeDifference());
        report.put("onnx_agreement", check.agreement());
        report.put("onnx_test_accuracy", check.onnxAccuracy());
        report.putIfAbsent("test_accuracy", check.accuracy());
        report.put("onnx_runtime", OnnxSession.runtimeVersion());
        report.put("onnx_kernels", kernels.ops());
        report.put("onnx_integer_ops", kernels.integer());
        LOG.info("{}: wrote {} ({} bytes{}); ONNX Runtime on the test split: accuracy {} (distill4j {}), same "
                + "prediction on {}, max |logit difference| {} of the logit scale", config.name(), file.getFileName(),
                bytes.length, dynamic ? ", int8 weights, inputs quantized at run time" : qdq ? ", QDQ int8"
                        : ", float32", String.format("%.4f", check.onnxAccuracy()),
                String.format("%.4f", check.accuracy()), String.format("%.4f", check.agreement()),
                String.format("%.2g", check.relativeDifference()));
        LOG.info("{}: ONNX Runtime {} runs it with {}", config.name(), OnnxSession.runtimeVersion(),
                kernels.describe());
        boolean uint8Weights = model.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals(
                "distill4j.weight_storage") && p.getValue().contains("uint8"));
        if (uint8Weights && org.distill4j.run.Provenance.cpuFlags().stream().noneMatch(f -> f.contains("vnni"))) {
            LOG.info("{}: its 8-bit weights run on ONNX Runtime's exact u8·u8 kernels, which on this CPU (no VNNI) "
                    + "are slower than its u8·s8 ones; 7-bit weights (bits: 7) take those without saturating "
                    + "(docs/compression.md, Speed)", config.name());
        }
    }

    /**
     * {@code 1/255} when every value of the split is a multiple of it in [0, 1] (8-bit pixels, which a quantized export
     * then reads as uint8 codes without loss), else null.
     */
    static Float pixelStep(Batches data) {
        int n = data.data().size();
        int[] order = data.inOrder();
        for (int from = 0; from < n; from += Evaluator.DEFAULT_BATCH) {
            float[] v = Evaluator.floats(data.features(order, from, Math.min(n, from + Evaluator.DEFAULT_BATCH), null));
            for (float x : v) {
                double k = x * 255.0;
                if (k < -1e-3 || k > 255 + 1e-3 || Math.abs(k - Math.rint(k)) > 1e-3) {
                    return null;
                }
            }
        }
        return 1f / 255;
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
