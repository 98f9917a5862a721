package caravan.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tokens one call consumed, in separate buckets. {@code inputTokens} counts every prompt token, cache
 * reads and writes included (as OpenAI's {@code prompt_tokens} and OpenTelemetry's
 * {@code gen_ai.usage.input_tokens} do); {@code cacheReadTokens} and {@code cacheWriteTokens} say how many
 * of them hit or filled a prompt cache. {@code outputTokens} includes {@code reasoningTokens}.
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
                    long reasoningTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** Reads an OpenAI {@code usage} object; null when the node is absent or null. */
    public static Usage fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        return new Usage(
                usage.path("prompt_tokens").asLong(),
                usage.path("completion_tokens").asLong(),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
                0,
                usage.path("completion_tokens_details").path("reasoning_tokens").asLong());
    }
}
