package org.distill4j.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One model's entry in {@code summary.json} ({@code models.<slot>}), written by the evaluate stage.
 *
 * @param trainedBy   the stage that produced the model; null for a loaded model no stage changed
 * @param flopsPerSample multiply-adds per example; null for a model another runtime runs (an ONNX teacher)
 * @param modelBytes  size of that stage's saved {@code <stage>.zip}; null when none was saved
 * @param onednnHelper the oneDNN layer helper the network got, or null
 * @param validationAccuracy accuracy on the validation split (what recipes are chosen by); null without one, and in
 *                    summaries written before it was recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder(alphabetic = true)
public record ModelResult(String architecture, @JsonProperty("trained_by") String trainedBy, long params,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JsonProperty("flops_per_sample") Long flopsPerSample,
                          @JsonProperty("fp32_param_bytes") long fp32ParamBytes,
                          @JsonProperty("model_bytes") Long modelBytes,
                          @JsonProperty("inference_samples_per_s") double inferenceSamplesPerSecond,
                          @JsonProperty("onednn_helper") String onednnHelper,
                          @JsonProperty("test_accuracy") double testAccuracy,
                          @JsonProperty("test_top5_accuracy") double testTop5Accuracy,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JsonProperty("validation_accuracy") Double validationAccuracy) {
}
