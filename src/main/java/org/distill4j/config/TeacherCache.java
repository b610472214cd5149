package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code cache_teacher}: whether a distilling stage computes the teacher's logits over the training split once
 * ({@code always}), runs the teacher on every batch ({@code never}), or caches when the input pipeline is
 * deterministic ({@code auto}).
 */
public enum TeacherCache { AUTO, ALWAYS, NEVER;

    @JsonValue
    public String yaml() {
        return Obj.yamlName(this);
    }
}
