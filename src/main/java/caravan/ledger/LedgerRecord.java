package caravan.ledger;

import java.math.BigDecimal;

import caravan.api.Usage;
import caravan.telemetry.CallRecord;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One row of the usage ledger: a model call as the client met it (table {@code usage_ledger}, whose columns
 * these fields are, in this order and with these names in snake case; the journal writes them as JSON
 * lines under the same names, leaving out the fields that are null: a whole answer without a key, user,
 * session, task, route, error or guardrail has ten of them, a quarter of its line). Built once per call, when
 * its answer ended, by {@link #of}: the one place
 * that reads a {@link CallRecord} for the ledger.
 *
 * @param timeMs       when the request arrived, epoch milliseconds
 * @param traceId      the W3C trace id of the request (the gateway's span, else the caller's traceparent)
 * @param userId       the end user the call was for: the request's {@code user} or {@code x-caravan-user},
 *                     else the key's user
 * @param errorType    the error code (else type) the client got, or null
 * @param status       the HTTP status the client got (200 for a stream that failed after its head; 499
 *                     when it went away first)
 * @param costUsd      list-price cost of every attempt's usage; null when it cannot be priced
 * @param latencyUs    the whole call, arrival to the end of the answer, microseconds
 * @param ttfcUs       to the first streamed chunk, microseconds; null for whole answers
 * @param overheadUs   the gateway's own time (upstream waits excluded), microseconds
 * @param cacheOutcome what the response cache did ({@code hit}, {@code semantic-hit}, {@code miss}, {@code bypass});
 *                     null when the route has no cache step
 * @param guardrailOutcome what the call's guardrails did, {@code name=outcome} pairs joined by {@code ;}
 *                     ({@code pii=redacted;secrets=passed}, async checks that had ended included); null when none ran
 * @param costSavedUsd  on a cache hit, what the answer it replayed cost when it was produced (its own cost is 0)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerRecord(String requestId, long timeMs, String traceId, String tenant, String team, String keyId,
                           String userId, String sessionId, String taskId, String endpoint, String route,
                           String provider, String model, String requestedModel, int attempts, int status,
                           String errorType, boolean stream, long inputTokens, long outputTokens, long cacheReadTokens,
                           long cacheWriteTokens, long reasoningTokens, boolean usageEstimated, BigDecimal costUsd,
                           long latencyUs, Long ttfcUs, long overheadUs, String cacheOutcome, String guardrailOutcome,
                           BigDecimal costSavedUsd) {

    /** The longest text most columns hold ({@code VARCHAR(255)}); longer values are cut, not refused. */
    static final int TEXT = 255;
    /** Model names may be 256 characters; their columns hold twice that. */
    static final int MODEL_TEXT = 512;

    /**
     * The ledger's row of a finished call. Values the client chose (user, session and task ids) are cut to
     * their column's size and cleaned of NUL characters, which PostgreSQL refuses: one such value must not
     * keep a whole batch out of the store.
     *
     * @param traceId   see {@link #traceId()}, or null
     * @param team      the key's team, or null
     * @param user      see {@link #userId()}, or null
     * @param sessionId {@code x-caravan-session} or {@code metadata.session_id}, or null
     * @param taskId    {@code x-caravan-task} or {@code metadata.task_id}, or null
     * @param guardrails the call's {@code guardrailOutcomes} summary, or null when no guardrail ran
     */
    public static LedgerRecord of(CallRecord call, String traceId, String team, String user, String sessionId,
                                  String taskId, String guardrails) {
        Usage usage = call.usage() == null ? Usage.NONE : call.usage();
        return new LedgerRecord(call.requestId(), call.startedAtMillis(), clip(traceId, 32), clip(call.tenant(), TEXT),
                clip(team, TEXT), clip(call.keyId(), TEXT), clip(user, TEXT), clip(sessionId, TEXT), clip(taskId, TEXT),
                clip(call.endpoint(), 64), clip(call.route(), TEXT), clip(call.provider(), TEXT),
                clip(call.model(), MODEL_TEXT), clip(call.requestedModel(), MODEL_TEXT), call.attempts(), call.status(),
                clip(call.errorType(), TEXT), call.stream(), usage.inputTokens(), usage.outputTokens(),
                usage.cacheReadTokens(), usage.cacheWriteTokens(), usage.reasoningTokens(),
                call.usageEstimated(), call.costUsd(), call.durationNanos() / 1000, call.ttfcNanos() < 0 ? null : call.ttfcNanos() / 1000,
                call.overheadNanos() / 1000, call.cache() == null ? null : call.cache().outcome(),
                guardrails == null || guardrails.isEmpty() ? null : clip(guardrails, TEXT),
                call.cache() != null && call.cache().hit() ? call.costSavedUsd() : null);
    }

    /** The text as a column of {@code max} characters holds it: without NUL, cut at a character boundary. */
    static String clip(String text, int max) {
        if (text == null) {
            return null;
        }
        String clean = text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
        if (clean.length() <= max) {
            return clean;
        }
        int end = Character.isHighSurrogate(clean.charAt(max - 1)) ? max - 1 : max;
        return clean.substring(0, end);
    }
}
