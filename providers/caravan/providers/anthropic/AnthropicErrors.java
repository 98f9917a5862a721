package caravan.providers.anthropic;

import java.io.IOException;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import com.fasterxml.jackson.databind.JsonNode;

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
        JsonNode error = errorObject(body);
        if (error == null) {
            return map(status, null, "The upstream provider answered HTTP " + status + ".", retryAfter);
        }
        return map(status, text(error, "type"), messageOf(error, "The upstream provider answered HTTP " + status + "."),
                retryAfter);
    }

    /** An {@code error} event inside a stream, which has no HTTP status of its own: its type says what it is. */
    static GatewayException fromEvent(JsonNode event) {
        JsonNode error = event.path("error");
        String type = text(error, "type");
        return map(statusOf(type), type, messageOf(error, "The upstream provider failed in the middle of the stream."), null);
    }

    private static GatewayException map(int status, String type, String message, String retryAfter) {
        if (status == 529 || OVERLOADED.equals(type)) {
            return new GatewayException(503, ErrorType.UPSTREAM.wireName(), "upstream_overloaded", null, message,
                    retryAfter, null);
        }
        if (status >= 500) {
            return new GatewayException(502, ErrorType.UPSTREAM.wireName(), "upstream_error", null, message, retryAfter, null);
        }
        return new GatewayException(status, type == null ? defaultType(status) : type, null, null, message, retryAfter, null);
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

    private static String defaultType(int status) {
        return switch (status) {
            case 401 -> ErrorType.AUTHENTICATION.wireName();
            case 403 -> ErrorType.PERMISSION.wireName();
            case 404 -> ErrorType.NOT_FOUND.wireName();
            case 429 -> ErrorType.RATE_LIMIT.wireName();
            default -> ErrorType.INVALID_REQUEST.wireName();
        };
    }

    private static JsonNode errorObject(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode error = Json.MAPPER.readTree(body).path("error");
            return error.isObject() ? error : null;
        } catch (IOException notJson) {
            // an HTML page from a proxy in front of the API: its status is all that can be said
            return null;
        }
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
