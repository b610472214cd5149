package org.distill4j.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A repeat folder's {@code aggregate.json}: the runs of one {@code train --repeat} (their directories and seeds), each
 * model's test accuracy over the completed runs ({@code models.<slot>.test_accuracy}: n, mean, sample sd, min, max)
 * and, when baseline and student were both evaluated, the distilled student's gain over the baseline paired by run
 * ({@code distillation_gain}: n, mean, sd and the 95% Student's t confidence interval of the mean); the same on the
 * validation split ({@code validation_accuracy}, {@code validation_gain}) where the runs recorded it, for choosing
 * a recipe without looking at the test set. Written by the pipeline, read through {@link #read}.
 *
 * @param runs every run directory in the folder, completed or not, in run order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder(alphabetic = true)
public record RepeatSummary(String name, List<Run> runs, Map<String, Model> models,
                            @JsonInclude(JsonInclude.Include.NON_NULL)
                            @JsonProperty("distillation_gain") Gain distillationGain,
                            @JsonInclude(JsonInclude.Include.NON_NULL)
                            @JsonProperty("validation_gain") Gain validationGain) {
    public static final String FILE = "aggregate.json";

    public RepeatSummary {
        runs = List.copyOf(runs);
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** One run of the repeat: its directory (relative to the repeat folder), seed, and whether it completed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder(alphabetic = true)
    public record Run(String dir, long seed, boolean completed) {
    }

    /**
     * A model slot's figures over the completed runs; validation accuracy (what a recipe is chosen by) where every
     * run recorded it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"test_accuracy", "validation_accuracy"})
    public record Model(@JsonProperty("test_accuracy") Spread testAccuracy,
                        @JsonInclude(JsonInclude.Include.NON_NULL)
                        @JsonProperty("validation_accuracy") Spread validationAccuracy) {
    }

    /** n values: their mean, sample standard deviation (n − 1; null for one value), least and greatest. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"n", "mean", "sd", "min", "max"})
    public record Spread(int n, double mean, Double sd, double min, double max) {
    }

    /**
     * Student minus baseline test accuracy, paired by run: mean, sample sd and the {@code level} confidence interval
     * of the mean ({@code mean ± t_{(1+level)/2, n−1} · sd / √n}); sd and interval are null for one run.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"n", "mean", "sd", "level", "ci_low", "ci_high", "above_zero"})
    public record Gain(int n, double mean, Double sd, double level, @JsonProperty("ci_low") Double ciLow,
                       @JsonProperty("ci_high") Double ciHigh, @JsonProperty("above_zero") Boolean aboveZero) {
    }

    /**
     * Why {@code metric}, a sweep's {@code repeat.<figure>} (a dotted path to a number in a trial's
     * {@code aggregate.json}), cannot be one for a repeated trial of {@code base}; null when it can.
     */
    public static String metricProblem(String metric, org.distill4j.config.RunConfig base) {
        String[] seg = metric.split("\\.", -1);
        String layout = "; a trial's aggregate holds repeat.models.<model>.<test_accuracy|validation_accuracy>."
                + "<n|mean|sd|min|max> and repeat.<distillation_gain|validation_gain>.<n|mean|sd|ci_low|ci_high>";
        if (seg.length == 3 && (seg[1].equals("distillation_gain") || seg[1].equals("validation_gain"))) {
            return List.of("n", "mean", "sd", "level", "ci_low", "ci_high").contains(seg[2]) ? null
                    : "'" + seg[2] + "' is not a number of a gain" + layout;
        }
        if (seg.length == 5 && seg[1].equals("models")) {
            String model = RunSummary.metricProblem("models." + seg[2] + ".test_accuracy", base);
            if (model != null) {
                return model;
            }
            if (!seg[3].equals("test_accuracy") && !seg[3].equals("validation_accuracy")) {
                return "'" + seg[3] + "' is not aggregated over a repeat's runs" + layout;
            }
            return List.of("n", "mean", "sd", "min", "max").contains(seg[4]) ? null
                    : "'" + seg[4] + "' is not a number of a spread" + layout;
        }
        return "'" + metric + "' is not in a trial's aggregate" + layout;
    }

    /** Writes {@code aggregate.json} in the repeat folder {@code dir} (atomically). */
    public void write(Path dir) throws IOException {
        Json.write(dir.resolve(FILE), this);
    }

    /** Reads {@code aggregate.json} of the repeat folder {@code dir}. */
    public static RepeatSummary read(Path dir) throws IOException {
        return Json.MAPPER.readValue(dir.resolve(FILE).toFile(), RepeatSummary.class);
    }

    /**
     * The figures as a few lines for the terminal, e.g.
     * {@code student   0.8213  sd 0.0041  (n=3, min 0.8170, max 0.8260)} and
     * {@code distilled - baseline  +0.0043  sd 0.0030  95% CI [-0.0031, +0.0117]: not above zero}.
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        long done = runs.stream().filter(Run::completed).count();
        out.add(name + ": " + done + " of " + runs.size() + " runs completed; test accuracy:");
        models.forEach((slot, m) -> {
            Spread s = m.testAccuracy();
            out.add(String.format(Locale.ROOT, "  %-9s %.4f  sd %s  (n=%d, min %.4f, max %.4f)%s", slot, s.mean(),
                    s.sd() == null ? "-" : String.format(Locale.ROOT, "%.4f", s.sd()), s.n(), s.min(), s.max(),
                    m.validationAccuracy() == null ? "" : String.format(Locale.ROOT, "; validation %.4f",
                            m.validationAccuracy().mean())));
        });
        gainLine(out, "distilled - baseline", distillationGain);
        gainLine(out, "  on validation", validationGain);
        return out;
    }

    private static void gainLine(List<String> out, String label, Gain g) {
        if (g == null) {
            return;
        }
        out.add(g.sd() == null
                ? String.format(Locale.ROOT, "%-20s  %+.4f  (n=1: no interval)", label, g.mean())
                : String.format(Locale.ROOT, "%-20s  %+.4f  sd %.4f  %.0f%% CI [%+.4f, %+.4f]: %s (n=%d)", label,
                g.mean(), g.sd(), 100 * g.level(), g.ciLow(), g.ciHigh(),
                g.aboveZero() ? "above zero" : "not above zero", g.n()));
    }
}
