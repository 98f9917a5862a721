package caravan.routing;

/**
 * One mirrored call: the route it shadowed, the candidate, how it went, and how far its answer strayed
 * from the primary's ({@code divergence} is null when either answer is missing).
 */
public record MirrorOutcome(String route, String candidate, boolean succeeded, String error, double latencyMs,
                            long inputTokens, long outputTokens, Double costUsd, Double divergence) {
}
