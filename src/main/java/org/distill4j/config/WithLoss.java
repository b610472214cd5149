package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A config section that holds a distillation loss and writes it back as configs have it: the default loss's keys
 * inline ({@link LossSpec#inline}), any other as {@code loss: {type: ...}}. The record's own {@code loss} component is
 * {@code @JsonIgnore}d; these two accessors write it.
 */
public interface WithLoss {
    LossSpec loss();

    /** The loss as written under {@code loss:}, or null when it is written inline. */
    @JsonProperty("loss")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    default LossSpec namedLoss() {
        return loss().inline() == null ? loss() : null;
    }

    /** The loss's keys as written inline in the section, or null. */
    @JsonProperty("inline_loss")
    @JsonUnwrapped
    default Object inlineLoss() {
        return loss().inline();
    }
}
