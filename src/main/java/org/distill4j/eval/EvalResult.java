package org.distill4j.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification quality on one dataset: accuracy, top-5 accuracy, per-class accuracy (recall) and the
 * confusion matrix (rows: true class, columns: predicted), plus inference throughput while evaluating.
 */
public record EvalResult(int examples, double accuracy, double top5, double[] perClassAccuracy, long[][] confusion,
                         List<String> classNames, double samplesPerSecond) {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples", examples);
        m.put("accuracy", accuracy);
        m.put("top5_accuracy", top5);
        Map<String, Double> pc = new LinkedHashMap<>();
        for (int i = 0; i < perClassAccuracy.length; i++) {
            pc.put(classNames.get(i), perClassAccuracy[i]);
        }
        m.put("per_class_accuracy", pc);
        m.put("confusion_matrix", confusion);
        m.put("class_names", classNames);
        m.put("inference_samples_per_s", samplesPerSecond);
        return m;
    }

    /** A readable report: headline numbers, per-class accuracy, confusion matrix. */
    public String report(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: accuracy %.4f, top-5 %.4f on %d examples (%.0f samples/s)%n", title, accuracy,
                top5, examples, samplesPerSecond));
        sb.append("  per-class accuracy:\n");
        for (int i = 0; i < perClassAccuracy.length; i++) {
            sb.append(String.format("    %d %-12s %.4f%n", i, classNames.get(i), perClassAccuracy[i]));
        }
        sb.append("  confusion matrix (rows: true, columns: predicted):\n      ");
        for (int j = 0; j < confusion.length; j++) {
            sb.append(String.format("%6d", j));
        }
        sb.append('\n');
        for (int i = 0; i < confusion.length; i++) {
            sb.append(String.format("    %d ", i));
            for (int j = 0; j < confusion.length; j++) {
                sb.append(String.format("%6d", confusion[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
