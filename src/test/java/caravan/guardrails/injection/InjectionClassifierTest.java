package caravan.guardrails.injection;

import java.util.List;

import caravan.embedding.EmbeddingPool;
import caravan.guardrails.Source;
import caravan.guardrails.injection.InjectionClassifierEval.Judged;
import caravan.guardrails.injection.InjectionExamples.Example;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped classifier against the shipped labelled set: its weights were trained on this very file, and on
 * the held-back quarter, which it never saw, it keeps the precision and recall measured when it was trained
 * (InjectionClassifierEval: 0.867 and 0.878 at the default threshold, 0.5; 0.894 and 0.858 at 0.6). Editing the examples without
 * retraining, or weights that do worse, fails here.
 */
class InjectionClassifierTest {

    static InjectionExamples examples;
    static InjectionClassifier classifier;

    @BeforeAll
    static void load() {
        examples = InjectionExamples.load();
        classifier = InjectionClassifier.load();
    }

    @Test
    void theShippedWeightsWereTrainedOnTheShippedExamples() {
        assertThat(classifier.trainedOn()).isEqualTo(examples.digest());
    }

    @Test
    void aQuarterOrSoIsHeldBackOfEachLabelAndSource() {
        for (Source source : List.of(Source.USER, Source.THIRD_PARTY)) {
            for (boolean injection : List.of(true, false)) {
                List<Example> all = examples.all().stream()
                        .filter(example -> example.source() == source && example.injection() == injection).toList();
                long held = all.stream().filter(Example::heldBack).count();
                assertThat(all).as(source + " " + injection).hasSizeGreaterThan(100);
                assertThat((double) held / all.size()).as(source + " " + injection).isBetween(0.15, 0.35);
            }
        }
    }

    @Test
    void onTheHeldBackQuarterItKeepsItsMeasuredPrecisionAndRecall() {
        List<Judged> judged = InjectionClassifierEval.judge(EmbeddingPool.bgeSmall(), classifier, examples.heldBack());

        Counts counts = InjectionClassifierEval.counts(judged, null, InjectionGuardrail.DEFAULT_THRESHOLD, true, false);
        Counts atHalf = InjectionClassifierEval.counts(judged, null, 0.6, true, false);
        // a little below what was measured: another CPU's floating point may move a text that sits on the threshold
        assertThat(counts.precision()).as(counts.toString()).isGreaterThanOrEqualTo(0.85);
        assertThat(counts.recall()).as(counts.toString()).isGreaterThanOrEqualTo(0.86);
        assertThat(atHalf.precision()).as(atHalf.toString()).isGreaterThanOrEqualTo(0.88);
        assertThat(atHalf.recall()).as(atHalf.toString()).isGreaterThanOrEqualTo(0.84);
    }
}
