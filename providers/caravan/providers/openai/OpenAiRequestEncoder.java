package caravan.providers.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

import caravan.api.CanonicalExtensions;
import caravan.api.ChatRequest;
import caravan.api.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Chat Completions body asking a model for a canonical request's answer: the client's own bytes when
 * nothing needs changing; otherwise the request rewritten, fields it does not touch as they came. Azure
 * OpenAI sends the same body.
 */
public final class OpenAiRequestEncoder {

    private OpenAiRequestEncoder() {
    }

    /**
     * @param serverNeedsAsking whether the server reports a stream's usage only when asked, as OpenAI's API
     *                          does; false for one that reports it unasked and refuses {@code stream_options}
     */
    public static byte[] encode(ChatRequest request, String upstreamModel, boolean serverNeedsAsking) {
        // usage is asked for wherever the server needs asking, so every stream can be accounted; the client
        // sees it only if it asked
        boolean askForUsage = serverNeedsAsking && request.stream() && !request.includeUsage();
        boolean translated = request.translated();
        // a translated request's stream_options are the gateway's, asking for usage: not for a server that refuses them
        boolean dropStreamOptions = askForUsage || translated && !serverNeedsAsking;
        // a request a step rewrote (a guardrail's redaction, a mirror's copy) has no client bytes: it is written anew
        boolean unchanged = request.clientBytes() != null && upstreamModel.equals(request.model()) && !askForUsage
                && !translated && !request.carriesGatewayFields();
        return unchanged ? request.clientBytes()
                : rewrite(request.json(), upstreamModel, askForUsage, dropStreamOptions, translated);
    }

    /**
     * Writes the request with another model name and, for streams, {@code include_usage} (or without
     * {@code stream_options} at all), without the gateway's own fields and, when it was translated from
     * another dialect, without the {@link CanonicalExtensions} that dialect left in it; other fields as they came. A request an OpenAI
     * client sent keeps every field it has, the extensions' names included: they are then the client's own.
     */
    private static byte[] rewrite(ObjectNode json, String model, boolean askForUsage, boolean dropStreamOptions,
                                  boolean translated) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator generator = Json.FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                String name = field.getKey();
                if ("model".equals(name)) {
                    generator.writeStringField("model", model);
                } else if (!(dropStreamOptions && "stream_options".equals(name)) && !ChatRequest.GATEWAY_FIELDS.contains(name)
                        && !(translated && CanonicalExtensions.REQUEST.contains(name))) {
                    generator.writeFieldName(name);
                    if (translated) {
                        writeWithoutExtensions(generator, name, field.getValue());
                    } else {
                        Json.MAPPER.writeTree(generator, field.getValue());
                    }
                }
            }
            if (askForUsage) {
                ObjectNode options = json.path("stream_options") instanceof ObjectNode given ? given.deepCopy()
                        : Json.MAPPER.createObjectNode();
                options.put("include_usage", true);
                generator.writeFieldName("stream_options");
                Json.MAPPER.writeTree(generator, options);
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A top-level field's value without the extensions that live inside it. */
    private static void writeWithoutExtensions(JsonGenerator generator, String name, JsonNode value) throws IOException {
        switch (name) {
            case "messages" -> writeMessagesWithoutExtensions(generator, value);
            case "tools" -> writeEachWithout(generator, value, CanonicalExtensions.TOOL);
            default -> Json.MAPPER.writeTree(generator, value);
        }
    }

    /** Each message without its extensions, and its content parts without theirs. */
    private static void writeMessagesWithoutExtensions(JsonGenerator generator, JsonNode messages) throws IOException {
        if (!messages.isArray()) {
            Json.MAPPER.writeTree(generator, messages);
            return;
        }
        generator.writeStartArray();
        for (JsonNode message : messages) {
            if (!message.isObject()) {
                Json.MAPPER.writeTree(generator, message);
                continue;
            }
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> field : message.properties()) {
                if (CanonicalExtensions.MESSAGE.contains(field.getKey())) {
                    continue;
                }
                generator.writeFieldName(field.getKey());
                if ("content".equals(field.getKey())) {
                    writeEachWithout(generator, field.getValue(), CanonicalExtensions.CONTENT_PART);
                } else {
                    Json.MAPPER.writeTree(generator, field.getValue());
                }
            }
            generator.writeEndObject();
        }
        generator.writeEndArray();
    }

    /** An array whose objects are written without the {@code dropped} fields; any other value as it is. */
    private static void writeEachWithout(JsonGenerator generator, JsonNode array, Set<String> dropped) throws IOException {
        if (!array.isArray()) {
            Json.MAPPER.writeTree(generator, array);
            return;
        }
        generator.writeStartArray();
        for (JsonNode item : array) {
            if (!item.isObject()) {
                Json.MAPPER.writeTree(generator, item);
                continue;
            }
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> field : item.properties()) {
                if (!dropped.contains(field.getKey())) {
                    generator.writeFieldName(field.getKey());
                    Json.MAPPER.writeTree(generator, field.getValue());
                }
            }
            generator.writeEndObject();
        }
        generator.writeEndArray();
    }
}
