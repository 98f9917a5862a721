package caravan.providers.openai;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.codec.UpstreamErrors;
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
        return from(status, Json.objectOrNull(body), retryAfter);
    }

    static GatewayException from(int status, ObjectNode json, String retryAfter) {
        JsonNode error = json == null ? null : json.get("error");
        JsonNode fields = error != null && error.isObject() ? error : json;
        String message = error != null && error.isTextual() ? error.asText() : text(fields, "message");
        return UpstreamErrors.of(status, text(fields, "type"), text(fields, "code"), text(fields, "param"),
                message != null ? message : UpstreamErrors.statusMessage(status), retryAfter);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }
}
