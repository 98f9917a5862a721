package caravan.providers;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;

/**
 * Translates between the canonical form (OpenAI Chat Completions) and one provider's wire format. Plain
 * Java, no Camel types, so each codec is tested against recorded provider payloads alone. A provider is
 * one Kamelet (what users configure) plus one codec (what it speaks).
 */
public interface ProviderCodec {

    /** The HTTP request that asks the provider for {@code request}'s answer from {@code upstreamModel}. */
    UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings settings);

    /**
     * Decodes a whole (non-streamed) 2xx answer; a body that cannot be read is a 502. {@code upstreamModel}
     * is the model the request was encoded for: the answer's {@code model} when the provider names none.
     */
    ChatResponse decodeResponse(byte[] body, String upstreamModel);

    /** A decoder for one streamed answer from {@code upstreamModel}, which names the chunks when the provider does not. */
    StreamDecoder newStreamDecoder(String upstreamModel);

    /**
     * A decoder for one streamed answer to {@code request}. A codec whose stream a client may speak too
     * keeps each event for such a client ({@link caravan.api.ChatChunk#upstreamEvent}); by default the
     * decoder of {@link #newStreamDecoder(String)}.
     */
    default StreamDecoder newStreamDecoder(ChatRequest request, String upstreamModel) {
        return newStreamDecoder(upstreamModel);
    }

    /** Maps an error answer to what the client sees: 4xx pass through with the upstream's message, 5xx become 502. */
    GatewayException decodeError(int status, byte[] body, String retryAfter);

    /**
     * The OpenTelemetry GenAI name ({@code gen_ai.provider.name}) of the API this codec speaks, e.g.
     * {@code aws.bedrock}: what telemetry reports whatever a route calls the provider ({@code bedrock-eu}).
     * A server that merely speaks another's API (Mistral behind the OpenAI codec) is named by its route.
     */
    String genAiProviderName();

    /** The base URL to use when none is configured (e.g. derived from the region), or null when one is required. */
    default String defaultBaseUrl(UpstreamSettings settings) {
        return null;
    }

    /** Whether the settings hold what this provider authenticates with. */
    default boolean hasCredentials(UpstreamSettings settings) {
        return settings.hasApiKey();
    }
}
