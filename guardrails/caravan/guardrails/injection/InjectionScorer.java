package caravan.guardrails.injection;

import java.util.List;
import java.util.concurrent.CompletionStage;

import caravan.guardrails.Source;
import caravan.guardrails.TextSlot;

/**
 * A second judge of injection beside the rules: a score from 0 to 1 for each text, from its source. The
 * guardrail flags a call when the rules match or the highest score reaches the configured
 * {@code threshold}.
 */
public interface InjectionScorer {

    /** The highest score of a call's texts, and who wrote the text that has it. */
    record Scored(double score, Source source) {
    }

    /**
     * The highest score among {@code texts}; completes off the event loop when it needs computing, and with
     * null when the scorer cannot judge them now (it is busy with other calls): the call is then judged by
     * the rules alone.
     */
    CompletionStage<Scored> highest(List<TextSlot> texts);

    /** Gets ready to score (loads what it needs), so that the first call is not left to the rules. */
    default void prepare() {
    }
}
