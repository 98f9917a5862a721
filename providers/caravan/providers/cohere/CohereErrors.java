package caravan.providers.cohere;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
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
        ObjectNode json = CohereResponseDecoder.parse(body);
        JsonNode message = json == null ? null : json.get("message");
        String text = message != null && message.isTextual() ? message.asText()
                : "The upstream provider answered HTTP " + status + ".";
        return switch (status) {
            case 400, 422 -> error(400, ErrorType.INVALID_REQUEST, null, text, null);
            case 401 -> error(401, ErrorType.AUTHENTICATION, "invalid_api_key", text, null);
            case 403 -> error(403, ErrorType.PERMISSION, null, text, null);
            case 404 -> error(404, ErrorType.NOT_FOUND, null, text, null);
            case 413 -> error(413, ErrorType.INVALID_REQUEST, "request_too_large", text, null);
            case 429 -> error(429, ErrorType.RATE_LIMIT, "rate_limit_exceeded", text, retryAfter);
            case 498 -> error(400, ErrorType.INVALID_REQUEST, "content_filter", text, null);
            case 503 -> error(503, ErrorType.UPSTREAM, "upstream_overloaded", text, retryAfter);
            default -> status >= 500 ? error(502, ErrorType.UPSTREAM, "upstream_error", text, null)
                    : error(status, ErrorType.INVALID_REQUEST, null, text, null);
        };
    }

    private static GatewayException error(int status, ErrorType type, String code, String message, String retryAfter) {
        return new GatewayException(status, type, code, null, message, retryAfter, null);
    }
}
