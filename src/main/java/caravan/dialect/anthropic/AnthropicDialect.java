package caravan.dialect.anthropic;

import java.io.IOException;
import java.io.UncheckedIOException;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Dialect;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.WireFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}) as an inbound dialect, so Anthropic SDKs and tools
 * built on them reach any provider: requests are translated to the canonical form, answers back into
 * {@code message} objects, streams into Anthropic's event sequence and errors into
 * {@code {"type":"error","error":{"type","message"}}}. An Anthropic provider's answers and stream events
 * are passed on as the provider's bytes instead, as an OpenAI upstream's are to an OpenAI client.
 */
public final class AnthropicDialect implements Dialect {

    public static final AnthropicDialect INSTANCE = new AnthropicDialect();

    private AnthropicDialect() {
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest("The request body is empty. Send a JSON Messages request.", null,
                    "invalid_json");
        }
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("There was an error parsing the body of your request: "
                    + Json.parseProblem(e) + ". Send a JSON Messages request.", null, "invalid_json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw GatewayException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        MessagesRequestValidator.validate(object);
        return ChatRequest.translatedFrom(WireFormat.ANTHROPIC_MESSAGES, MessagesRequestDecoder.decode(object), object,
                body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        byte[] own = response.upstreamBytes(WireFormat.ANTHROPIC_MESSAGES);
        if (own != null) {
            return own;
        }
        ObjectNode completion = response.json();
        Usage usage = response.usage() != null ? response.usage() : Usage.fromOpenAi(completion.get("usage"));
        return write(MessageEncoder.encode(completion, usage));
    }

    @Override
    public StreamEncoder newStreamEncoder(ChatRequest request) {
        return new AnthropicStreamEncoder(request == null ? "" : request.model());
    }

    @Override
    public byte[] encodeError(GatewayException error) {
        return write(errorBody(error));
    }

    /** {@code {"type":"error","error":{"type","message"}}}, the body of an error answer and of an error event. */
    static ObjectNode errorBody(GatewayException error) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", "error");
        body.putObject("error").put("type", errorType(error.status())).put("message", error.getMessage());
        return body;
    }

    /** Anthropic's error types are named by status; the gateway's own statuses map onto the nearest. */
    static String errorType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    private static byte[] write(JsonNode json) {
        try {
            return Json.MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
