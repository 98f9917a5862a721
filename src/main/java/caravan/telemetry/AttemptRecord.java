package caravan.telemetry;

import java.math.BigDecimal;

import caravan.api.GatewayException;
import caravan.api.Usage;

/**
 * One call to a provider, a retry or a fallback of a request being one more: the unit of the GenAI
 * client metrics ({@code gen_ai.client.*}).
 *
 * @param genAiProvider the GenAI name of the API that answered ({@code gen_ai.provider.name}), as its codec
 *                      names it; null when no provider endpoint was reached
 * @param requestModel  the model the provider was asked for
 * @param responseModel the model the provider says answered (the requested one when it did not say)
 * @param ttfcNanos     time from the attempt's start to its first streamed chunk, or -1
 * @param usage         the attempt's usage, what arrived even when it failed; null when none did
 * @param costUsd       what that usage cost at the answering model's list price; null without usage or price
 * @param error         the failure, or null
 */
public record AttemptRecord(String provider, String genAiProvider, String requestModel, String responseModel, boolean stream,
                            long durationNanos, long ttfcNanos, Usage usage, BigDecimal costUsd, GatewayException error) {

    /** The attempt used tokens that no price list prices: its cost is unknown. */
    public boolean unpriced() {
        return usage != null && costUsd == null;
    }
}
