package caravan.telemetry;

import caravan.api.GuardrailOutcome;

/**
 * Learns what the gateway did, call by call. Listeners run on the thread that finished the call (often a
 * Vert.x event loop): they must only count, never block.
 */
public interface CallListener {

    default void onAttempt(AttemptRecord attempt) {
    }

    default void onCall(CallRecord call) {
    }

    default void onMirror(MirrorOutcome outcome) {
    }

    /**
     * A call was refused before any provider was called: {@code rpm_limit}, {@code tpm_limit},
     * {@code parallel_limit}, {@code budget_exceeded}; or the limit store was down ({@code store_down_open},
     * {@code store_down_closed}).
     */
    default void onRejection(String reason, String tenant) {
    }

    /** The shared response cache (Redis) failed an operation ({@code get}, {@code put}); the embedded cache served it. */
    default void onCacheFallback(String operation) {
    }

    /**
     * A guardrail (or a route's post-check) ended its check of a call. {@code route} is the named route serving
     * the call, or null. A check in async mode is told when it ends, which may be after the call's answer.
     */
    default void onGuardrail(GuardrailOutcome outcome, String route) {
    }

    /**
     * A guardrail left part of its check undone and judged the call without it ({@code injection}'s classifier
     * when the embedding pool was {@code busy} or its model still {@code loading}: the rules alone judged).
     */
    default void onGuardrailSkipped(String guardrail, String reason) {
    }
}
