package org.distill4j.stage.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.distill4j.config.ModelSlot;
import org.junit.jupiter.api.Test;

/** What makes another run's trained model the one this run's stage would train. */
class ReusedModelTest {
    private static final String BASE = """
            seed: 42
            dataset: {name: d, validation: 0.1}
            teacher: {arch: mlp, hidden: [64]}
            student: {arch: mlp, hidden: [8]}
            stages:
              - {type: train, name: train-teacher, model: teacher, epochs: 3}
              - {type: train, name: train-baseline, model: baseline, epochs: 2, REUSE}
              - {type: distill, name: distill, temperature: 4}
              - {type: train, name: train-baseline-more, model: baseline, epochs: 1}
            """;

    private static JsonNode tree(String yaml) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(yaml);
    }

    private static String diff(String ours, String theirs) throws Exception {
        return ReusedModel.difference(tree(ours), tree(theirs), "train-baseline", ModelSlot.BASELINE);
    }

    @Test
    void sameSeedDatasetStudentAndStageMatchWhateverElseDiffers() throws Exception {
        String ours = BASE.replace("REUSE", "reuse: x");
        assertNull(diff(ours, BASE.replace(", REUSE", "")), "reuse itself does not count");
        assertNull(diff(ours, BASE.replace(", REUSE", "").replace("temperature: 4", "temperature: 1")
                .replace("hidden: [64]", "hidden: [128]").replace("epochs: 3", "epochs: 9")),
                "the teacher, its stage and the distill stage do not make the baseline");
        assertNull(diff(ours, BASE.replace(", REUSE", "").replace("epochs: 1}", "epochs: 5}")),
                "a baseline stage after this one does not count");
    }

    @Test
    void eachThingThatMakesTheModelIsNamed() throws Exception {
        String ours = BASE.replace(", REUSE", "");
        assertEquals("seed", diff(ours, ours.replace("seed: 42", "seed: 43")));
        assertEquals("dataset", diff(ours, ours.replace("validation: 0.1", "validation: 0.2")));
        assertEquals("student", diff(ours, ours.replace("hidden: [8]", "hidden: [16]")));
        assertEquals("stages", diff(ours, ours.replace("epochs: 2", "epochs: 3")));
        assertEquals("stages", diff(ours, ours.replace("name: train-baseline,", "name: other,")),
                "no stage of that name");
        assertEquals("stages", diff(ours, ours.replace("  - {type: train, name: train-teacher",
                "  - {type: prune, name: p, model: baseline}\n  - {type: train, name: train-teacher")),
                "an earlier stage on the baseline");
        assertEquals("teacher", ReusedModel.difference(tree(ours), tree(ours.replace("hidden: [64]", "hidden: [9]")),
                "train-teacher", ModelSlot.TEACHER));
    }
}
