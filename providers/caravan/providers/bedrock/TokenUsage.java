package caravan.providers.bedrock;

import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bedrock's {@code TokenUsage} in the gateway's buckets. Bedrock counts cache reads and writes apart from
 * {@code inputTokens}; the canonical input bucket holds every prompt token, so it is their sum.
 */
final class TokenUsage {

    private TokenUsage() {
    }

    /** The usage an {@code usage} object reports; null when there is none. */
    static Usage toUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long cacheRead = usage.path("cacheReadInputTokens").asLong();
        long cacheWrite = usage.path("cacheWriteInputTokens").asLong();
        return new Usage(usage.path("inputTokens").asLong() + cacheRead + cacheWrite, usage.path("outputTokens").asLong(),
                cacheRead, cacheWrite, 0);
    }
}
