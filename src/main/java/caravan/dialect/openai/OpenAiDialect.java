package caravan.dialect.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Dialect;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI Chat Completions as an inbound dialect: JSON answers, SSE streams ending in {@code [DONE]}. */
public final class OpenAiDialect implements Dialect {

    public static final OpenAiDialect INSTANCE = new OpenAiDialect();

    private static final byte[] DATA = "data: ".getBytes();
    private static final byte[] EVENT_END = "\n\n".getBytes();
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes();

    private OpenAiDialect() {
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest(
                    "The request body is empty. Send a JSON Chat Completions request.", null, "invalid_json");
        }
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("We could not parse the JSON body of your request: "
                    + Json.parseProblem(e) + ". The gateway expects a JSON Chat Completions request.",
                    null, "invalid_json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw GatewayException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        ChatRequestValidator.validate(object);
        return new ChatRequest(object, body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return response.upstreamBytes() != null ? response.upstreamBytes() : write(response.json());
    }

    @Override
    public StreamEncoder newStreamEncoder(ChatRequest request) {
        boolean clientWantsUsage = request.includeUsage();
        return new StreamEncoder() {
            @Override
            public byte[] encode(ChatChunk chunk) {
                // another format's event with nothing canonical in it (an Anthropic ping) is not this client's
                if (!chunk.canonical() || chunk.usageOnly() && !clientWantsUsage) {
                    return null;
                }
                return event(chunk.upstreamBytes() != null ? chunk.upstreamBytes() : write(chunk.json()));
            }

            @Override
            public byte[] end(Usage usage) {
                return DONE;
            }

            @Override
            public byte[] error(GatewayException error) {
                return event(encodeError(error));
            }
        };
    }

    @Override
    public byte[] encodeError(GatewayException error) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("message", error.getMessage());
            json.writeStringField("type", error.type());
            json.writeStringField("param", error.param());
            json.writeStringField("code", error.code());
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] event(byte[] json) {
        byte[] event = new byte[DATA.length + json.length + EVENT_END.length];
        System.arraycopy(DATA, 0, event, 0, DATA.length);
        System.arraycopy(json, 0, event, DATA.length, json.length);
        System.arraycopy(EVENT_END, 0, event, DATA.length + json.length, EVENT_END.length);
        return event;
    }

    private static byte[] write(JsonNode json) {
        try {
            return Json.MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
