package org.distill4j.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distill4j.config.InputException;

/**
 * A run's {@code provenance.json}: where the run stands ({@code status}, and why it failed), what produced it (code,
 * platform, command line, JVM arguments, ND4J backend, every derived seed) and on what data (checksums, split sizes).
 * Written by the pipeline at start, at each resume and at the end; read by {@code --resume}, the sweep (a trial's
 * outcome) and {@code reproduce}. The code, platform, backend and seed sections are open maps that
 * {@link Provenance#collect} and the backend fill; the file keeps the keys it always had.
 *
 * @param errorKind whose fault a failure was: {@code config}, {@code data}, {@code model-file}, {@code argument},
 *                  {@code environment} (the user's input) or {@code internal}
 * @param configSha256 the SHA-256 of {@code config.resolved.yaml} as the run wrote it (null in runs from before it
 *                     was recorded); a resume refuses an edited config, {@code reproduce} says so. The keys keep the
 *                     order they always had; this one comes last.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(value = {"backend", "code", "command_line", "data", "end", "error", "error_kind", "jvm_args",
        "platform", "resumed", "seeds", "start", "status", "wall_s", "config_sha256"})
public record RunProvenance(Status status, String error, @JsonProperty("error_kind") String errorKind, String start,
                            String end, @JsonProperty("wall_s") Double wallSeconds, List<Resume> resumed,
                            Map<String, Object> code, Map<String, Object> platform,
                            @JsonProperty("command_line") List<String> commandLine,
                            @JsonProperty("jvm_args") List<String> jvmArgs, Map<String, Object> backend,
                            Map<String, Object> seeds, DataInfo data,
                            @JsonProperty("config_sha256") String configSha256) {
    public static final String FILE = "provenance.json";

    /** {@code interrupted}: stopped by SIGTERM or Ctrl-C (a SIGKILLed run cannot mark itself: it stays running). */
    public enum Status { RUNNING, COMPLETED, FAILED, INTERRUPTED;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One {@code distill train --resume} of the run. */
    @JsonPropertyOrder(alphabetic = true)
    public record Resume(String time, @JsonProperty("after_status") Status afterStatus, String command) {
    }

    /** The data a run used: dataset, where its files were, their content checksums, split sizes, augmentation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder(alphabetic = true)
    public record DataInfo(String name, String directory,
                           @JsonProperty("content_sha256") Map<String, String> contentSha256,
                           @JsonProperty("train_examples") int trainExamples,
                           @JsonProperty("validation_examples") int validationExamples,
                           @JsonProperty("test_examples") int testExamples, Object augmentation) {
    }

    /** A run that has just started. */
    @SuppressWarnings("unchecked")
    public static RunProvenance started(Map<String, Object> collected, Map<String, Object> backend,
                                        Map<String, Object> seeds, DataInfo data, String configSha256) {
        return new RunProvenance(Status.RUNNING, null, null, (String) collected.get("start"), null, null, null,
                (Map<String, Object>) collected.get("code"), (Map<String, Object>) collected.get("platform"),
                (List<String>) collected.get("command_line"), (List<String>) collected.get("jvm_args"),
                backend, seeds, data, configSha256);
    }

    /** Running again after {@code distill train --resume} ({@code command}): the failure, if any, is cleared. */
    public RunProvenance resumedBy(String command) {
        List<Resume> r = new ArrayList<>(resumed == null ? List.of() : resumed);
        r.add(new Resume(Instant.now().toString(), status, command));
        return new RunProvenance(Status.RUNNING, null, null, start, null, wallSeconds, r, code, platform,
                commandLine, jvmArgs, backend, seeds, data, configSha256);
    }

    public RunProvenance completed(double wall) {
        return new RunProvenance(Status.COMPLETED, null, null, start, Instant.now().toString(), wall, resumed,
                code, platform, commandLine, jvmArgs, backend, seeds, data, configSha256);
    }

    public RunProvenance failed(String message, String kind) {
        return new RunProvenance(Status.FAILED, message, kind, start, Instant.now().toString(), wallSeconds,
                resumed, code, platform, commandLine, jvmArgs, backend, seeds, data, configSha256);
    }

    /** Stopped by a signal; {@code --resume} continues it. */
    public RunProvenance interrupted() {
        return new RunProvenance(Status.INTERRUPTED, null, null, start, Instant.now().toString(), wallSeconds,
                resumed, code, platform, commandLine, jvmArgs, backend, seeds, data, configSha256);
    }

    /** Reads {@code provenance.json} of the run directory {@code dir}. */
    public static RunProvenance read(Path dir) throws IOException {
        return Json.MAPPER.readValue(dir.resolve(FILE).toFile(), RunProvenance.class);
    }

    /**
     * {@link #read}, with a damaged file (cut short, not JSON, wrong content) a one-line {@link InputException}
     * that names it.
     */
    public static RunProvenance readChecked(Path dir) throws IOException {
        try {
            return read(dir);
        } catch (JsonProcessingException e) {
            throw new InputException(InputException.Kind.ARGUMENT, dir.resolve(FILE) + " is damaged ("
                    + Json.problem(e) + "); the run cannot be resumed without it. Start a new run with: distill "
                    + "train --config " + dir.resolve("config.resolved.yaml"), e);
        }
    }

    public void write(RunDirectory rd) throws IOException {
        rd.writeJson(FILE, this);
    }
}
