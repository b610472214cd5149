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
import org.distill4j.config.ModelSlot;
import org.distill4j.math.Quantizer;
import org.distill4j.model.Net;
import org.distill4j.model.WeightMasks;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.Json;
import org.distill4j.run.RunDirectory;

/**
 * Where a run stands between stages, for {@code distill train --resume}: {@code checkpoints/pipeline.json} (the
 * completed stages, their reports and evaluation results, which stage produced each model) and, per model a
 * stage produced, {@code checkpoints/models/<slot>.zip} with its pruning masks and quantized codes. Written after
 * each stage (files first, then the JSON that names them, atomically); removed when the run completes.
 */
final class RunState {
    private final Map<String, Object> json;

    private RunState(Map<String, Object> json) {
        this.json = json;
    }

    static Path dir(RunDirectory rd) {
        return rd.file("checkpoints");
    }

    @SuppressWarnings("unchecked")
    List<String> completed() {
        return (List<String>) json.getOrDefault("completed", List.of());
    }

    double wallSeconds() {
        return ((Number) json.getOrDefault("wall_s", 0.0)).doubleValue();
    }

    /** The state of a run directory; an empty one if it stopped before finishing its first stage. */
    @SuppressWarnings("unchecked")
    static RunState read(RunDirectory rd) throws IOException {
        Path f = dir(rd).resolve("pipeline.json");
        if (!Files.isRegularFile(f)) {
            return new RunState(new LinkedHashMap<>());
        }
        return new RunState(Json.MAPPER.readValue(f.toFile(), LinkedHashMap.class));
    }

    static void save(RunDirectory rd, StageContext ctx, String stage, List<String> completed, double wall) throws IOException {
        Path models = dir(rd).resolve("models");
        Files.createDirectories(models);
        Map<String, Object> producedBy = new LinkedHashMap<>();
        for (ModelSlot slot : ModelSlot.values()) {
            String by = ctx.has(slot) ? ctx.producedBy(slot) : null;
            if (by == null) {
                continue;
            }
            producedBy.put(slot.yaml(), by);
            if (by.equals(stage)) {
                AtomicFiles.write(models.resolve(slot.yaml() + ".zip"), ctx.model(slot)::save);
                WeightMasks m = ctx.masks(slot);
                Path maskFile = models.resolve(slot.yaml() + ".masks.bin");
                if (m != null) {
                    AtomicFiles.write(maskFile, m::write);
                } else {
                    Files.deleteIfExists(maskFile);
                }
                AtomicFiles.write(models.resolve(slot.yaml() + ".quant.bin"), f -> writeQuantized(f, ctx.quantized(slot)));
            }
        }
        Map<String, Object> results = new LinkedHashMap<>();
        ctx.results().forEach((slot, r) -> results.put(slot.yaml(), r));
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("completed", completed);
        j.put("wall_s", wall);
        j.put("produced_by", producedBy);
        j.put("stage_times", ctx.stageTimes());
        j.put("results", results);
        Json.write(dir(rd).resolve("pipeline.json"), j);
        Checkpoint.deleteTree(Checkpoint.dir(rd, stage));
    }

    /** Puts the completed stages' models, masks, codes, reports and results back into {@code ctx}. */
    @SuppressWarnings("unchecked")
    void restore(RunDirectory rd, StageContext ctx) throws IOException {
        Path models = dir(rd).resolve("models");
        Map<String, Object> producedBy = (Map<String, Object>) json.getOrDefault("produced_by", Map.of());
        for (Map.Entry<String, Object> e : producedBy.entrySet()) {
            ModelSlot slot = slot(e.getKey());
            ctx.put(slot, Net.load(models.resolve(e.getKey() + ".zip")), (String) e.getValue());
            Path maskFile = models.resolve(e.getKey() + ".masks.bin");
            if (Files.isRegularFile(maskFile)) {
                ctx.putMasks(slot, WeightMasks.read(maskFile));
            }
            Map<String, Quantizer.Channels> q = readQuantized(models.resolve(e.getKey() + ".quant.bin"));
            if (!q.isEmpty()) {
                ctx.putQuantized(slot, q);
            }
        }
        ctx.stageTimes().putAll((Map<String, Object>) json.getOrDefault("stage_times", Map.of()));
        Map<String, Object> results = (Map<String, Object>) json.getOrDefault("results", Map.of());
        results.forEach((k, v) -> ctx.results().put(slot(k), (Map<String, Object>) v));
    }

    private static ModelSlot slot(String yaml) {
        for (ModelSlot s : ModelSlot.values()) {
            if (s.yaml().equals(yaml)) {
                return s;
            }
        }
        throw new IllegalStateException("unknown model slot in checkpoint: " + yaml);
    }

    private static void writeQuantized(Path f, Map<String, Quantizer.Channels> q) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f)))) {
            out.writeInt(q.size());
            for (Map.Entry<String, Quantizer.Channels> e : new java.util.TreeMap<>(q).entrySet()) {
                Quantizer.Channels c = e.getValue();
                out.writeUTF(e.getKey());
                out.writeByte(c.bits());
                out.writeInt(c.scales().length);
                for (float s : c.scales()) {
                    out.writeFloat(s);
                }
                out.writeInt(c.codes().length);
                for (int code : c.codes()) {
                    out.writeByte(code);
                }
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
                int bits = in.readByte();
                float[] scales = new float[in.readInt()];
                for (int j = 0; j < scales.length; j++) {
                    scales[j] = in.readFloat();
                }
                int[] codes = new int[in.readInt()];
                for (int j = 0; j < codes.length; j++) {
                    codes[j] = in.readByte();
                }
                out.put(key, new Quantizer.Channels(codes, scales, bits));
            }
        }
        return out;
    }
}
