package caravan.guardrails;

import java.util.concurrent.CompletionStage;

/**
 * One kind of check on a call, before the provider sees the request ({@link Stage#PRE}) or before the client
 * sees the answer ({@link Stage#POST}). An implementation judges; what happens then (block, warn, redact, a
 * threshold, sampling, async mode) is the configuration's ({@link GuardrailStep}), applied the same way to
 * every guardrail.
 *
 * <p>{@link #check} never blocks its thread: a check that calls out (an evaluator, a moderation endpoint)
 * completes its stage later; a check of text completes at once, and runs on a worker thread when the texts
 * are large.
 */
public interface Guardrail {

    /** The name it is configured by; also the {@code code} of the error it blocks with, its metric label and header entry. */
    String name();

    /** The stage it checks when its configuration names none. */
    Stage defaultStage();

    /** Whether it can check this stage at all. */
    boolean checks(Stage stage);

    /** Judges the stage's texts (or request, or answer). */
    CompletionStage<Verdict> check(Check check);

    /** Whether what it finds can be replaced ({@code action: redact}). */
    /** The score that flags a call when its configuration names no {@code threshold}. */
    default double defaultThreshold() {
        return 0.5;
    }

    default boolean redacts() {
        return false;
    }

    /**
     * Whether its redactions are reversible: numbered placeholders kept in the call's {@link RedactionVault}, so
     * the answer's placeholders are restored for the client while the provider never saw the values.
     */
    default boolean reversible() {
        return false;
    }

    /**
     * Whether a flagged answer is unusable rather than refused by policy (it breaks its JSON Schema, the model
     * refused): it fails with 502 {@code guardrail_failed} instead of 400 {@code guardrail_blocked}.
     */
    default boolean judgesUsability() {
        return false;
    }

    /** Whether its check is computation on the texts (moved off the event loop when they are large), rather than a call out. */
    default boolean computes() {
        return true;
    }

    /**
     * The scanner that finds what it looks for in text, for an answer that is streamed: a guardrail with one
     * is checked on the chunks as they pass. Null for a guardrail that needs the whole answer (it is
     * checked when the stream ends, before its end reaches the client).
     */
    default TextScanner scanner() {
        return null;
    }
}
