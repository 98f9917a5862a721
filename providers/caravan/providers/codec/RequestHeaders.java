package caravan.providers.codec;

import java.util.LinkedHashMap;
import java.util.Map;

import caravan.providers.UpstreamSettings;

/**
 * The headers of one request to a provider, built the way every codec builds them: a JSON body, the type
 * of answer expected (an SSE stream or a JSON document), then the credential in the header the provider's
 * API reads. A provider without a configured key (a local server) gets no credential header at all.
 */
public final class RequestHeaders {

    public static final String JSON = "application/json";
    public static final String EVENT_STREAM = "text/event-stream";

    private final Map<String, String> headers = new LinkedHashMap<>(8);

    private RequestHeaders(String accept) {
        headers.put("Content-Type", JSON);
        headers.put("Accept", accept);
    }

    /** A JSON request answered by an SSE stream when {@code stream}, else by a JSON document. */
    public static RequestHeaders json(boolean stream) {
        return new RequestHeaders(stream ? EVENT_STREAM : JSON);
    }

    /** A JSON request answered in the {@code accept} type (Bedrock streams in AWS's binary event-stream framing). */
    public static RequestHeaders json(String accept) {
        return new RequestHeaders(accept);
    }

    /** The API key as {@code Authorization: Bearer <key>}. */
    public RequestHeaders bearer(UpstreamSettings settings) {
        if (settings.hasApiKey()) {
            headers.put("Authorization", "Bearer " + settings.apiKey());
        }
        return this;
    }

    /** The API key as it is, in the provider's own header ({@code x-api-key}, {@code api-key}, ...). */
    public RequestHeaders apiKey(String header, UpstreamSettings settings) {
        if (settings.hasApiKey()) {
            headers.put(header, settings.apiKey());
        }
        return this;
    }

    public RequestHeaders put(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public RequestHeaders putAll(Map<String, String> more) {
        headers.putAll(more);
        return this;
    }

    public Map<String, String> toMap() {
        return headers;
    }
}
