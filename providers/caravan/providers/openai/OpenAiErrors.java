package caravan.providers.openai;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI's {@code {"error":{message,type,param,code}}}, or the flatter shapes some compatible servers use
 * ({@code {"error":"..."}}, vLLM's {@code {"object":"error","message":...}}), as the gateway's errors: 4xx
 * keep their status and fields, 5xx become 502 with the upstream's message. Azure OpenAI answers the same.
 */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    public static GatewayException fromAnswer(int status, byte[] body, String retryAfter) {
        return from(status, OpenAiResponseDecoder.parseObject(body), retryAfter);
    }

    static GatewayException from(int status, ObjectNode json, String retryAfter) {
        JsonNode error = json == null ? null : json.get("error");
        JsonNode fields = error != null && error.isObject() ? error : json;
        String message = error != null && error.isTextual() ? error.asText() : text(fields, "message");
        if (message == null) {
            message = "The upstream provider answered HTTP " + status + ".";
        }
        String type = text(fields, "type");
        String code = text(fields, "code");
        String param = text(fields, "param");
        if (status >= 500) {
            return new GatewayException(502, ErrorType.UPSTREAM.wireName(), code == null ? "upstream_error" : code, param,
                    message, retryAfter, null);
        }
        return new GatewayException(status, type == null ? defaultType(status) : type, code, param, message, retryAfter, null);
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

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }
}
