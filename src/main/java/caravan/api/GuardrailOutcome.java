package caravan.api;

/**
 * What one guardrail concluded about one call, at one stage: the unit the {@code x-caravan-guardrails}
 * header, the guardrail spans and metrics, and the usage ledger all report.
 *
 * @param guardrail the guardrail's name ({@code pii}, {@code json_schema}, ...): its error code, metric label and
 *                  header entry
 * @param stage     {@code pre} (the request) or {@code post} (the answer)
 * @param outcome   what it did
 * @param score     the score it judged by (0..1: 1 for a rule that matched), or NaN when it does not score
 * @param nanos     how long the check took
 * @param async     whether it ran off the request's path ({@code mode: async}): it records only, and the
 *                  client's answer did not wait for it
 */
public record GuardrailOutcome(String guardrail, String stage, Outcome outcome, double score, long nanos, boolean async) {

    /** What a guardrail did, as the header, metrics and spans spell it. */
    public enum Outcome {
        /** Nothing found. */
        PASSED,
        /** Something found and let through, only recorded ({@code action: warn}, or a check in async mode). */
        WARNED,
        /** Something found and replaced before anyone downstream saw it ({@code action: redact}). */
        REDACTED,
        /** Something found and the call refused ({@code action: block}): 400 {@code guardrail_blocked}. */
        BLOCKED,
        /** The answer is unusable (it breaks its JSON Schema, the model refused): 502 {@code guardrail_failed}, or the route's next model. */
        FAILED,
        /** The check could not be made (its evaluator timed out or failed) and it fails open: the call goes on. */
        ERROR;

        private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

        public String wireName() {
            return wireName;
        }

        /** Whether the call was stopped by it. */
        public boolean stopped() {
            return this == BLOCKED || this == FAILED;
        }
    }

    /** {@code name=outcome}, as the header lists it. */
    @Override
    public String toString() {
        return guardrail + "=" + outcome.wireName();
    }
}
