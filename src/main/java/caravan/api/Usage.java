package caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Tokens one call consumed, in separate buckets. {@code inputTokens} counts every prompt token, cache
 * reads and writes included (as OpenAI's {@code prompt_tokens} and OpenTelemetry's
 * {@code gen_ai.usage.input_tokens} do); {@code cacheReadTokens} and {@code cacheWriteTokens} say how many
 * of them hit or filled a prompt cache. {@code outputTokens} includes {@code reasoningTokens}.
 * {@code estimated} is true when the gateway counted the tokens itself because the provider reported none
 * (see {@link UsageEstimate}); a provider's own figures are never marked.
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
                    long reasoningTokens, boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    /** Usage as a provider reported it. */
    public Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens) {
        this(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, false);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** The two usages together, bucket by bucket (the attempts of one call, say); estimated if either was. */
    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens, cacheWriteTokens + other.cacheWriteTokens,
                reasoningTokens + other.reasoningTokens, estimated || other.estimated);
    }

    /**
     * Reads an OpenAI {@code usage} object; null when the node is absent or null.
     * {@code prompt_tokens_details.cache_creation_tokens} is the gateway's own field for cache writes,
     * which OpenAI does not report.
     */
    public static Usage fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode prompt = usage.path("prompt_tokens_details");
        return new Usage(
                usage.path("prompt_tokens").asLong(),
                usage.path("completion_tokens").asLong(),
                prompt.path("cached_tokens").asLong(),
                prompt.path("cache_creation_tokens").asLong(),
                usage.path("completion_tokens_details").path("reasoning_tokens").asLong());
    }

    /** Writes this usage as the {@code usage} field of a canonical (OpenAI-shaped) answer or chunk. */
    public void writeOpenAi(ObjectNode parent) {
        ObjectNode usage = parent.putObject("usage");
        usage.put("prompt_tokens", inputTokens);
        usage.put("completion_tokens", outputTokens);
        usage.put("total_tokens", totalTokens());
        if (cacheReadTokens > 0 || cacheWriteTokens > 0) {
            ObjectNode prompt = usage.putObject("prompt_tokens_details");
            prompt.put("cached_tokens", cacheReadTokens);
            if (cacheWriteTokens > 0) {
                prompt.put("cache_creation_tokens", cacheWriteTokens);
            }
        }
        if (reasoningTokens > 0) {
            usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
        }
    }
}
