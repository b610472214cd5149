package org.distill4j.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.run.Json;

/** {@code state.json}: the sweep's trials and where it stands. Written whole and atomically after every change. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public final class SweepState {
    public static final String FILE = "state.json";

    public String name;
    public String id;
    public String created;
    public String updated;
    /** running, completed (every trial finished), incomplete (interrupted or cancelled: resume it). */
    public String status = "running";
    public String strategy;
    public String executor;
    public int maxTrials;
    /** True once the strategy has no more candidates (a finished grid). */
    public boolean exhausted;
    public List<Trial> trials = new ArrayList<>();

    public static SweepState read(Path sweepDir) throws IOException {
        return Json.MAPPER.readValue(sweepDir.resolve(FILE).toFile(), SweepState.class);
    }

    synchronized void write(Path sweepDir) throws IOException {
        updated = java.time.Instant.now().toString();
        Json.write(sweepDir.resolve(FILE), this);
    }

    public long count(Trial.Status s) {
        return trials.stream().filter(t -> t.status == s).count();
    }
}
