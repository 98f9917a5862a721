package caravan.providers.cohere;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.codec.UpstreamErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Cohere's error answers ({@code {"id": ..., "message": ...}}) as the gateway's errors: the status says
 * what went wrong, the message is Cohere's own. 422 (a malformed request) is a 400 as OpenAI would say
 * it; 498 (a deny-listed token in the request or answer) is Cohere's content filter; 503 (too many users)
 * is an overloaded provider worth retrying; any other 5xx is a 502.
 */
final class CohereErrors {

    private CohereErrors() {
    }

    static GatewayException fromStatus(int status, byte[] body, String retryAfter) {
        ObjectNode json = Json.objectOrNull(body);
        JsonNode message = json == null ? null : json.get("message");
        String text = message != null && message.isTextual() ? message.asText() : UpstreamErrors.statusMessage(status);
        return switch (status) {
            case 422 -> UpstreamErrors.of(400, null, null, null, text, null);
            case 401 -> UpstreamErrors.of(401, null, "invalid_api_key", null, text, null);
            case 413 -> UpstreamErrors.of(413, null, "request_too_large", null, text, null);
            case 429 -> UpstreamErrors.of(429, null, "rate_limit_exceeded", null, text, retryAfter);
            case 498 -> UpstreamErrors.of(400, null, "content_filter", null, text, null);
            case 503 -> UpstreamErrors.overloaded("upstream_overloaded", text, retryAfter);
            default -> UpstreamErrors.of(status, null, null, null, text, null);
        };
    }
}
