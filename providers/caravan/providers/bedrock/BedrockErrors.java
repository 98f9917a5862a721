package caravan.providers.bedrock;

import java.util.Map;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.codec.UpstreamErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
        ObjectNode json = Json.objectOrNull(body);
        if (json == null && body != null && body.length > 0) {
            return GatewayException.upstreamUnavailable("Bedrock answered HTTP " + status
                    + " with a body that is not JSON.", null);
        }
        return of(status, message(json, status), retryAfter);
    }

    /** An exception message inside a ConverseStream answer. */
    static GatewayException fromStreamException(String exceptionType, byte[] payload) {
        String name = exceptionType == null || exceptionType.isEmpty() ? ""
                : Character.toLowerCase(exceptionType.charAt(0)) + exceptionType.substring(1);
        int status = STATUS_OF_EXCEPTION.getOrDefault(name, 500);
        ObjectNode json = Json.objectOrNull(payload);
        String message = json != null ? message(json, status)
                : "Bedrock ended the stream with " + (name.isEmpty() ? "an exception" : name) + ".";
        return of(status, message, null);
    }

    /** An event-stream {@code error} message: a failure of the stream itself, not of the request. */
    static GatewayException fromStreamError(String code, String message) {
        return UpstreamErrors.providerFailure(null, null,
                message != null ? message : "Bedrock ended the stream with error " + code + ".", null);
    }

    private static GatewayException of(int status, String message, String retryAfter) {
        return switch (status) {
            case 408 -> new GatewayException(504, ErrorType.TIMEOUT, "upstream_timeout", null, message);
            case 413 -> UpstreamErrors.of(413, null, "request_too_large", null, message, null);
            case 424 -> UpstreamErrors.providerFailure(null, null, message, null);
            case 429 -> UpstreamErrors.of(429, null, "rate_limit_exceeded", null, message, retryAfter);
            case 503 -> UpstreamErrors.overloaded("service_unavailable", message, retryAfter);
            default -> UpstreamErrors.of(status, null, null, null, message, null);
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
}
