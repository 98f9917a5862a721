package caravan.guardrails.injection;

import java.util.concurrent.CompletionStage;

import caravan.guardrails.Source;

/**
 * A second judge of injection beside the rules: a score from 0 to 1 for one text, from its source. The
 * classifier over the in-process embedding model plugs in here; the guardrail flags a text when the rules
 * match or any scorer reaches the configured {@code threshold}.
 */
public interface InjectionScorer {

    /** The text's injection score; completes off the event loop when it needs computing. */
    CompletionStage<Double> score(String text, Source source);
}
