package org.distill4j.pipeline;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import org.distill4j.config.ModelSlot;
import org.distill4j.math.Quantizer;
import org.distill4j.model.Net;
import org.distill4j.model.WeightMasks;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.Json;
import org.distill4j.run.ModelResult;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.StageReport;
import org.distill4j.spi.Checkpoint;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;

/**
 * Where a run stands between stages, for {@code distill train --resume}: {@code checkpoints/pipeline.json} (the
 * completed stages, their reports and evaluation results, which stage produced each model) and, per model a
 * stage produced, {@code checkpoints/models/<slot>.zip} with its pruning masks and quantized codes. Written after
 * each stage (files first, then the JSON that names them, atomically); removed when the run completes.
 */
final class RunState {
    private final List<String> completed;
    private final double wallSeconds;
    private final Map<String, StageReport> reports;
    private final Map<String, ModelResult> results;
    /** As read from a checkpoint: which stage produced the model in each slot (the models to restore). */
    private final Map<ModelSlot, String> producedBy;
    /** What was wrong with {@code checkpoints/pipeline.json} when it was read (then this state is empty), or null. */
    private final String damage;

    private RunState(List<String> completed, double wallSeconds, Map<String, StageReport> reports,
            Map<String, ModelResult> results, Map<ModelSlot, String> producedBy) {
        this(completed, wallSeconds, reports, results, producedBy, null);
    }

    private RunState(List<String> completed, double wallSeconds, Map<String, StageReport> reports,
            Map<String, ModelResult> results, Map<ModelSlot, String> producedBy, String damage) {
        this.damage = damage;
        this.completed = List.copyOf(completed);
        this.wallSeconds = wallSeconds;
        this.reports = Collections.unmodifiableMap(new LinkedHashMap<>(reports));
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
        this.producedBy = Collections.unmodifiableMap(new LinkedHashMap<>(producedBy));
    }

    /** A run that has completed no stage. */
    static RunState empty() {
        return new RunState(List.of(), 0, Map.of(), Map.of(), Map.of());
    }

    static Path dir(RunDirectory rd) {
        return rd.file("checkpoints");
    }

    /**
     * Why {@code checkpoints/pipeline.json} could not be used ({@code cut short at line 3}); null when it was read
     * or there was none.
     */
    String damage() {
        return damage;
    }

    List<String> completed() {
        return completed;
    }

    double wallSeconds() {
        return wallSeconds;
    }

    /** Each completed stage's report, by stage name, in stage order. */
    Map<String, StageReport> reports() {
        return reports;
    }

    /** The evaluated models' results by slot name, teacher, baseline, student. */
    Map<String, ModelResult> results() {
        Map<String, ModelResult> ordered = new LinkedHashMap<>();
        for (ModelSlot s : ModelSlot.values()) {
            if (results.containsKey(s.yaml())) {
                ordered.put(s.yaml(), results.get(s.yaml()));
            }
        }
        return ordered;
    }

    /** The state once {@code stage} completed with {@code result}, {@code wall} seconds into the run. */
    RunState after(String stage, StageResult result, double wall) {
        List<String> c = new ArrayList<>(completed);
        c.add(stage);
        Map<String, StageReport> r = new LinkedHashMap<>(reports);
        if (result.report() != null) {
            r.put(stage, result.report());
        }
        Map<String, ModelResult> m = new LinkedHashMap<>(results);
        result.evaluations().forEach((slot, e) -> m.put(slot.yaml(), e));
        return new RunState(c, wall, r, m, Map.of());
    }

    /**
     * The state of a run directory; an empty one if it stopped before finishing its first stage, and an empty one
     * with its {@link #damage} when {@code checkpoints/pipeline.json} is damaged (cut short, not JSON, unknown
     * content): its stages run again, as after a damaged epoch checkpoint.
     */
    static RunState read(RunDirectory rd) throws IOException {
        Path f = dir(rd).resolve("pipeline.json");
        if (!Files.isRegularFile(f)) {
            return empty();
        }
        try {
            return parse(Json.MAPPER.readTree(f.toFile()));
        } catch (JsonProcessingException e) {
            return new RunState(List.of(), 0, Map.of(), Map.of(), Map.of(), Json.problem(e));
        } catch (RuntimeException e) {
            return new RunState(List.of(), 0, Map.of(), Map.of(), Map.of(),
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
        }
    }

    private static RunState parse(JsonNode j) throws JsonProcessingException {
        if (j == null || !j.isObject()) {
            throw new IllegalStateException("not a JSON object");
        }
        List<String> completed = new ArrayList<>();
        j.path("completed").forEach(n -> completed.add(n.asText()));
        Map<String, StageReport> reports = new LinkedHashMap<>();
        j.path("stage_times").fields()
                .forEachRemaining(e -> reports.put(e.getKey(), StageReport.fromJson(e.getValue())));
        Map<String, ModelResult> results = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = j.path("results").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            results.put(e.getKey(), Json.MAPPER.treeToValue(e.getValue(), ModelResult.class));
        }
        Map<ModelSlot, String> producedBy = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = j.path("produced_by").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ModelSlot slot = ModelSlot.of(e.getKey());
            if (slot == null) {
                throw new IllegalStateException("unknown model slot '" + e.getKey() + "'");
            }
            producedBy.put(slot, e.getValue().asText());
        }
        return new RunState(completed, j.path("wall_s").asDouble(0), reports, results, producedBy);
    }

    /**
     * Writes this state after {@code stage} completed: the models that stage handed on (with masks and codes), then
     * the JSON that names them; removes the stage's epoch checkpoints.
     */
    void save(RunDirectory rd, StageContext ctx, String stage) throws IOException {
        Path models = dir(rd).resolve("models");
        Files.createDirectories(models);
        Map<String, Object> producedBy = new LinkedHashMap<>();
        for (ModelSlot slot : ModelSlot.values()) {
            ModelState m = ctx.has(slot) ? ctx.state(slot) : null;
            if (m == null || m.producedBy() == null) {
                continue;
            }
            producedBy.put(slot.yaml(), m.producedBy());
            if (m.producedBy().equals(stage)) {
                AtomicFiles.write(models.resolve(slot.yaml() + ".zip"), m.net()::save);
                Path maskFile = models.resolve(slot.yaml() + ".masks.bin");
                if (m.masks() != null) {
                    AtomicFiles.write(maskFile, m.masks()::write);
                } else {
                    Files.deleteIfExists(maskFile);
                }
                AtomicFiles.write(models.resolve(slot.yaml() + ".quant.bin"), f -> writeQuantized(f, m.quantized()));
            }
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("completed", completed);
        j.put("wall_s", wallSeconds);
        j.put("produced_by", producedBy);
        j.put("stage_times", reports);
        j.put("results", results);
        Json.write(dir(rd).resolve("pipeline.json"), j);
        AtomicFiles.deleteTree(Checkpoint.dir(rd, stage));
    }

    /** Hands the completed stages' models, with their masks and codes, back to {@code ctx}. */
    void restore(RunDirectory rd, StageContext ctx) throws IOException {
        Path models = dir(rd).resolve("models");
        for (Map.Entry<ModelSlot, String> e : producedBy.entrySet()) {
            String slot = e.getKey().yaml();
            Path maskFile = models.resolve(slot + ".masks.bin");
            ctx.handOn(e.getKey(), new ModelState(Net.load(models.resolve(slot + ".zip")),
                    Files.isRegularFile(maskFile) ? WeightMasks.read(maskFile) : null,
                    readQuantized(models.resolve(slot + ".quant.bin")), e.getValue()));
        }
    }

    private static void writeQuantized(Path f, Map<String, Quantizer.Channels> q) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f)))) {
            out.writeInt(q.size());
            for (Map.Entry<String, Quantizer.Channels> e : new java.util.TreeMap<>(q).entrySet()) {
                out.writeUTF(e.getKey());
                e.getValue().write(out);
            }
        }
    }

    private static Map<String, Quantizer.Channels> readQuantized(Path f) throws IOException {
        Map<String, Quantizer.Channels> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                out.put(key, Quantizer.Channels.read(in));
            }
        }
        return out;
    }
}
