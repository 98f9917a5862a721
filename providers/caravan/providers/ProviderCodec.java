package caravan.providers;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.ModerationRequest;
import caravan.api.ModerationResult;

/**
 * Translates between the canonical form (OpenAI Chat Completions) and one provider's wire format. Plain
 * Java, no Camel types, so each codec is tested against recorded provider payloads alone. A provider is
 * one Kamelet (what users configure) plus one codec (what it speaks).
 */
public interface ProviderCodec {

    /**
     * The HTTP request that asks the provider for {@code request}'s answer from {@code upstreamModel}, at
     * {@code upstream}'s base URL with its key; what else the codec reads is its own {@link #settings()}.
     */
    UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings upstream);

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

    /**
     * The base URL to use when none is configured (Bedrock's is derived from its region), or null when one
     * is required.
     */
    default String defaultBaseUrl(UpstreamSettings upstream) {
        return null;
    }

    /**
     * Whether this provider has what it authenticates with: by default the API key of {@code upstream}; a
     * codec that authenticates otherwise (Bedrock, with an AWS access key and its secret) checks its own
     * {@link #settings()}.
     */
    default boolean hasCredentials(UpstreamSettings upstream) {
        return upstream.hasApiKey();
    }

    /**
     * The HTTP request asking the provider's moderation endpoint about {@code request}'s texts (the
     * {@code moderation} operation a guardrail asks a provider route for), or null when the API has none.
     */
    default UpstreamRequest encodeModeration(ModerationRequest request, UpstreamSettings upstream) {
        return null;
    }

    /** Decodes a 2xx moderation answer; only called for a codec whose {@link #encodeModeration} made the request. */
    default ModerationResult decodeModeration(byte[] body) {
        // ModerationCall asks a codec with no moderation endpoint nothing (encodeModeration is null first)
        throw new IllegalStateException(genAiProviderName() + " has no moderation endpoint to decode an answer of");
    }

    /**
     * What this codec reads beyond {@link UpstreamSettings}: its own settings, which the {@code provider:}
     * endpoint binds the URI parameters it does not know onto (see {@link CodecSettings}), or null when the
     * codec reads nothing more, so that any such parameter fails the endpoint. Each endpoint has a codec of
     * its own, so these are one provider's settings.
     */
    default CodecSettings settings() {
        return null;
    }
}
