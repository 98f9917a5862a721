package caravan.telemetry;

import java.math.BigDecimal;
import java.util.List;

import caravan.api.CacheOutcome;
import caravan.api.Usage;

/**
 * One finished model call as the client met it, built once when its answer ended: what every listener
 * (metrics, the dashboard, the request span) learns about the call. Usage and cost are counted from here
 * only, so each call's usage is recorded exactly once.
 *
 * @param endpoint        the API path the client called, e.g. {@code /v1/chat/completions}
 * @param route           the named route that served it, or null when a model was called directly
 * @param keyId           the id of the virtual key the caller presented, or null (the master key)
 * @param provider        the provider that answered last (null when no attempt was made)
 * @param model           the model that answered last
 * @param attempted       {@code provider/model} of each attempt, in order: retries repeat, fallbacks change
 * @param status          the HTTP status the client got (200 for a stream that later failed)
 * @param errorType       the error's code or type when the call failed, else null
 * @param errorMessage    the error message the client got, else null
 * @param ttfcNanos       time to the first streamed chunk, or -1
 * @param usage           what every attempt used, added up: a failed, cut or rejected attempt was still paid
 *                        for (null when no attempt reported any)
 * @param usageEstimated  whether some of that usage was counted by the gateway because a provider reported
 *                        none (a stream cut before its usage, a provider that omits it); see
 *                        {@link caravan.api.UsageEstimate}
 * @param costUsd         list-price cost of that usage in US dollars, exact, each attempt at its own model's
 *                        price ({@link caravan.catalog.Prices}); zero when nothing was used, null when some
 *                        of it was used on a model that has no price
 * @param cache           what the response cache did for the call (hit, semantic-hit, miss, bypass; on a hit the
 *                        replayed answer's provider, model and usage); null when the route has no cache step
 * @param costSavedUsd    on a hit, the list-price cost of the replayed answer's usage, which the call did not pay
 *                        again (its own cost is 0: no provider was called); else zero; null when unpriced
 */
public record CallRecord(String requestId, long startedAtMillis, String endpoint, String route, String tenant, String keyId,
                         String requestedModel, String provider, String model, List<String> attempted, boolean stream,
                         int status, String errorType, String errorMessage, long durationNanos, long ttfcNanos,
                         long overheadNanos, Usage usage, boolean usageEstimated, BigDecimal costUsd,
                         CacheOutcome cache, BigDecimal costSavedUsd) {

    public boolean failed() {
        return errorType != null;
    }

    public int attempts() {
        return attempted.size();
    }

    /** How many times the call moved to another target after a failure. */
    public int fallbacks() {
        int moves = 0;
        for (int i = 1; i < attempted.size(); i++) {
            if (!attempted.get(i).equals(attempted.get(i - 1))) {
                moves++;
            }
        }
        return moves;
    }
}
