package org.distill4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    @Test
    void accuracyAndPerClassFromConfusionByHand() {
        long[][] cm = {{3, 1, 0}, {0, 2, 2}, {1, 0, 1}};
        EvalResult r = Evaluator.fromConfusion(cm, 9, List.of("a", "b", "c"), 1.0);
        assertEquals(10, r.examples());
        assertEquals(0.6, r.accuracy(), 1e-12);
        assertEquals(0.9, r.top5(), 1e-12);
        assertArrayEquals(new double[]{0.75, 0.5, 0.5}, r.perClassAccuracy(), 1e-12);
    }

    @Test
    void argmaxAndRank() {
        float[] v = {0.1f, 3f, -2f, 3f, 0.5f, /* second row */ 9f, 1f};
        assertEquals(1, Evaluator.argmax(v, 0, 5));
        assertEquals(0, Evaluator.rank(v, 0, 5, 1));
        assertEquals(2, Evaluator.rank(v, 0, 5, 4));
        assertEquals(4, Evaluator.rank(v, 0, 5, 2));
        assertEquals(0, Evaluator.argmax(v, 5, 2));
    }
}
