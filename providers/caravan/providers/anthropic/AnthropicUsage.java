package caravan.providers.anthropic;

import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Anthropic's {@code usage} in the gateway's buckets. Anthropic's {@code input_tokens} counts only the
 * tokens after the last cache breakpoint, so the gateway's input is {@code input_tokens +
 * cache_creation_input_tokens + cache_read_input_tokens}. A stream reports usage in pieces (the input side
 * in {@code message_start}, cumulative totals in {@code message_delta}); each reported field replaces the
 * one before.
 */
final class AnthropicUsage {

    private long input;
    private long cacheWrite;
    private long cacheRead;
    private long output;
    private long thinking;
    private boolean reported;

    AnthropicUsage add(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return this;
        }
        reported = true;
        input = read(usage, "input_tokens", input);
        cacheWrite = read(usage, "cache_creation_input_tokens", cacheWrite);
        cacheRead = read(usage, "cache_read_input_tokens", cacheRead);
        output = read(usage, "output_tokens", output);
        thinking = read(usage.path("output_tokens_details"), "thinking_tokens", thinking);
        return this;
    }

    boolean reported() {
        return reported;
    }

    Usage usage() {
        return new Usage(input + cacheWrite + cacheRead, output, cacheRead, cacheWrite, thinking);
    }

    private static long read(JsonNode usage, String field, long before) {
        JsonNode value = usage.get(field);
        return value != null && value.canConvertToLong() ? value.asLong() : before;
    }
}
