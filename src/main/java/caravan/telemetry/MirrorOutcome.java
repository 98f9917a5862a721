package caravan.telemetry;

import caravan.api.Usage;

/**
 * One mirrored call: the route it shadowed, the tenant whose request it copied, the candidate, how it
 * went, what it used and cost (a mirror is paid for like any call), and how far its answer strayed from
 * the primary's ({@code divergence} is null when either answer is missing).
 *
 * @param usage   what the candidate used, null when nothing arrived
 * @param costUsd its list-price cost, null when the catalog has no price for the candidate
 */
public record MirrorOutcome(String route, String tenant, String candidate, boolean succeeded, String error,
                            double latencyMs, Usage usage, Double costUsd, Double divergence) {

    public long inputTokens() {
        return usage == null ? 0 : usage.inputTokens();
    }

    public long outputTokens() {
        return usage == null ? 0 : usage.outputTokens();
    }
}
