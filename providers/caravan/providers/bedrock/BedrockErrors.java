package caravan.providers.bedrock;

import java.io.IOException;
import java.util.Map;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bedrock's errors as the client sees them. An error answer is {@code {"message":"..."}} with the
 * exception's name in the {@code x-amzn-ErrorType} header; the service model gives each exception one
 * HTTP status, so the status says which exception it was. Inside a stream, an exception is a message
 * whose {@code :exception-type} header names it. Client errors keep their status; throttling is a 429
 * and an unavailable service a 503 (both retryable, {@code Retry-After} kept); a model timeout is a 504;
 * every other server or model failure is a 502.
 */
final class BedrockErrors {

    /** The HTTP status of each exception Bedrock Runtime's service model declares, by member name. */
    private static final Map<String, Integer> STATUS_OF_EXCEPTION = Map.ofEntries(
            Map.entry("validationException", 400),
            Map.entry("serviceQuotaExceededException", 400),
            Map.entry("accessDeniedException", 403),
            Map.entry("resourceNotFoundException", 404),
            Map.entry("modelTimeoutException", 408),
            Map.entry("modelErrorException", 424),
            Map.entry("modelStreamErrorException", 424),
            Map.entry("throttlingException", 429),
            Map.entry("modelNotReadyException", 429),
            Map.entry("internalServerException", 500),
            Map.entry("serviceUnavailableException", 503));

    private BedrockErrors() {
    }

    /** An HTTP error answer; a body that is not JSON is a 502, and its bytes are never shown. */
    static GatewayException fromAnswer(int status, byte[] body, String retryAfter) {
        JsonNode json = null;
        if (body != null && body.length > 0) {
            json = parse(body);
            if (json == null || !json.isObject()) {
                return GatewayException.upstreamUnavailable("Bedrock answered HTTP " + status
                        + " with a body that is not JSON.", null);
            }
        }
        return of(status, message(json, status), retryAfter);
    }

    /** An exception message inside a ConverseStream answer. */
    static GatewayException fromStreamException(String exceptionType, byte[] payload) {
        String name = exceptionType == null || exceptionType.isEmpty() ? ""
                : Character.toLowerCase(exceptionType.charAt(0)) + exceptionType.substring(1);
        int status = STATUS_OF_EXCEPTION.getOrDefault(name, 500);
        JsonNode json = parse(payload);
        String message = json != null && json.isObject() ? message(json, status)
                : "Bedrock ended the stream with " + (name.isEmpty() ? "an exception" : name) + ".";
        return of(status, message, null);
    }

    /** An event-stream {@code error} message: a failure of the stream itself, not of the request. */
    static GatewayException fromStreamError(String code, String message) {
        return new GatewayException(502, ErrorType.UPSTREAM, "upstream_error", null,
                message != null ? message : "Bedrock ended the stream with error " + code + ".");
    }

    private static GatewayException of(int status, String message, String retryAfter) {
        return switch (status) {
            case 400 -> new GatewayException(400, ErrorType.INVALID_REQUEST, null, null, message);
            case 401 -> new GatewayException(401, ErrorType.AUTHENTICATION, null, null, message);
            case 403 -> new GatewayException(403, ErrorType.PERMISSION, null, null, message);
            case 404 -> new GatewayException(404, ErrorType.NOT_FOUND, null, null, message);
            case 408 -> new GatewayException(504, ErrorType.TIMEOUT, "upstream_timeout", null, message);
            case 413 -> new GatewayException(413, ErrorType.INVALID_REQUEST, "request_too_large", null, message);
            case 429 -> new GatewayException(429, ErrorType.RATE_LIMIT, "rate_limit_exceeded", null, message, retryAfter,
                    null);
            case 503 -> new GatewayException(503, ErrorType.UPSTREAM, "service_unavailable", null, message, retryAfter,
                    null);
            default -> status >= 500 || status == 424
                    ? new GatewayException(502, ErrorType.UPSTREAM, "upstream_error", null, message)
                    : new GatewayException(status, ErrorType.INVALID_REQUEST, null, null, message);
        };
    }

    /** Bedrock writes {@code message}; errors raised before the service (signature checks) write {@code Message}. */
    private static String message(JsonNode json, int status) {
        for (String field : new String[] {"message", "Message"}) {
            JsonNode message = json == null ? null : json.get(field);
            if (message != null && message.isTextual() && !message.asText().isBlank()) {
                return message.asText();
            }
        }
        return "Bedrock answered HTTP " + status + ".";
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
