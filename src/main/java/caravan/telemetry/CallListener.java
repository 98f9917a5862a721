package caravan.telemetry;


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

    /** A post-check or guardrail judged an answer. */
    default void onGuardrail(String guardrail, String route, boolean passed) {
    }
}
