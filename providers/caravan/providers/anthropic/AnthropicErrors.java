package caravan.providers.anthropic;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.codec.UpstreamErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's errors, {@code {"type":"error","error":{"type","message"}}} as an answer or as an
 * {@code event: error} in a stream, as the gateway's: 4xx keep their status, type and message (429 its
 * {@code Retry-After}); {@code overloaded_error} (HTTP 529) is a retryable 503; any other 5xx is a 502
 * carrying Anthropic's message.
 */
final class AnthropicErrors {

    private static final String OVERLOADED = "overloaded_error";

    private AnthropicErrors() {
    }

    static GatewayException fromAnswer(int status, byte[] body, String retryAfter) {
        ObjectNode answer = Json.objectOrNull(body);
        JsonNode error = answer == null ? null : answer.get("error");
        if (error == null || !error.isObject()) {
            // an HTML page from a proxy in front of the API: its status is all that can be said
            return map(status, null, UpstreamErrors.statusMessage(status), retryAfter);
        }
        return map(status, text(error, "type"), messageOf(error, UpstreamErrors.statusMessage(status)), retryAfter);
    }

    /** An {@code error} event inside a stream, which has no HTTP status of its own: its type says what it is. */
    static GatewayException fromEvent(JsonNode event) {
        JsonNode error = event.path("error");
        String type = text(error, "type");
        return map(statusOf(type), type, messageOf(error, "The upstream provider failed in the middle of the stream."), null);
    }

    private static GatewayException map(int status, String type, String message, String retryAfter) {
        if (status == 529 || OVERLOADED.equals(type)) {
            return UpstreamErrors.overloaded("upstream_overloaded", message, retryAfter);
        }
        return UpstreamErrors.of(status, type, null, null, message, retryAfter);
    }

    private static int statusOf(String type) {
        if (type == null) {
            return 502;
        }
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case OVERLOADED -> 529;
            default -> 502;
        };
    }

    private static String messageOf(JsonNode error, String fallback) {
        String message = text(error, "message");
        return message != null ? message : fallback;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
