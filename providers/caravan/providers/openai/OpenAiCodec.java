package caravan.providers.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import caravan.api.CanonicalExtensions;
import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.ProviderCodec;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.providers.sse.SseReader;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Chat Completions wire format, spoken by OpenAI and by every OpenAI-compatible server
 * (vLLM, Ollama, Mistral, Groq, Together, ...). The canonical form is this format, so the codec mostly
 * passes bytes through: it only rewrites the request when the upstream model name differs, a stream must
 * ask for usage or the request was translated from another dialect (whose {@link CanonicalExtensions} an
 * OpenAI upstream would reject), and it keeps the upstream's answer bytes for an OpenAI client.
 */
public final class OpenAiCodec implements ProviderCodec {

    /** Reads one value inside a document being parsed; the mapper's trailing-token check would reject the rest. */
    private static final ObjectReader EMBEDDED_VALUE = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings settings) {
        Map<String, String> headers = new LinkedHashMap<>(4);
        headers.put("Content-Type", "application/json");
        headers.put("Accept", request.stream() ? "text/event-stream" : "application/json");
        if (settings.hasApiKey()) {
            headers.put("Authorization", "Bearer " + settings.apiKey());
        }
        return new UpstreamRequest(settings.baseUrl() + "/chat/completions", headers, encodeBody(request, upstreamModel));
    }

    /**
     * The Chat Completions body asking {@code upstreamModel} for {@code request}'s answer: the client's own
     * bytes when nothing needs changing; otherwise the request rewritten, fields it does not touch as they came.
     */
    public byte[] encodeBody(ChatRequest request, String upstreamModel) {
        // usage is always asked for, so every stream can be accounted; the client sees it only if it asked
        boolean askForUsage = request.stream() && !request.includeUsage();
        boolean translated = request.translated();
        boolean unchanged = upstreamModel.equals(request.model()) && !askForUsage && !translated
                && !request.carriesGatewayFields();
        return unchanged ? request.clientBytes() : rewrite(request.json(), upstreamModel, askForUsage, translated);
    }

    /**
     * Checks that the body is a chat completion and reads its usage in one streaming pass; the tree is
     * built later only if a step needs it (an OpenAI client gets these bytes as they are). A server that
     * leaves out {@code model} gets it filled in with {@code upstreamModel}, which costs it that tree.
     */
    @Override
    public ChatResponse decodeResponse(byte[] body, String upstreamModel) {
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notACompletion();
            }
            boolean choices = false;
            boolean named = false;
            Usage usage = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    usage = Usage.fromOpenAi(EMBEDDED_VALUE.readTree(parser));
                } else {
                    choices |= "choices".equals(field) && value == JsonToken.START_ARRAY;
                    named |= names(field, value);
                    parser.skipChildren();
                }
            }
            if (!choices || parser.nextToken() != null) {
                throw notACompletion();
            }
            return named ? ChatResponse.ofCompletionBytes(body, usage)
                    : ChatResponse.of(parseObject(body).put("model", upstreamModel), usage);
        } catch (IOException e) {
            throw notACompletion();
        }
    }

    /**
     * Whether this field is the answer's {@code model}. An empty string counts: it is the server's own
     * value (Azure's prompt-filter chunk has one), and the bytes are passed on as they came.
     */
    private static boolean names(String field, JsonToken value) {
        return value == JsonToken.VALUE_STRING && "model".equals(field);
    }

    private static GatewayException notACompletion() {
        return GatewayException.upstreamUnavailable("The upstream answered with a body that is not a chat completion.", null);
    }

    @Override
    public StreamDecoder newStreamDecoder(String upstreamModel) {
        return new OpenAiStreamDecoder(upstreamModel);
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        return errorFrom(status, parseObject(body), retryAfter);
    }

    /**
     * OpenAI's {@code {"error":{message,type,param,code}}}, or the flatter shapes some compatible servers
     * use ({@code {"error":"..."}}, vLLM's {@code {"object":"error","message":...}}).
     */
    static GatewayException errorFrom(int status, ObjectNode json, String retryAfter) {
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

    static ObjectNode parseObject(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : Json.MAPPER.readTree(body) instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Writes the request with another model name and, for streams, {@code include_usage}, without the
     * gateway's own fields and, when it was translated from another dialect, without the
     * {@link CanonicalExtensions} that dialect left in it; other fields as they came. A request an OpenAI
     * client sent keeps every field it has, the extensions' names included: they are then the client's own.
     */
    private static byte[] rewrite(ObjectNode json, String model, boolean askForUsage, boolean translated) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator generator = Json.FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                String name = field.getKey();
                if ("model".equals(name)) {
                    generator.writeStringField("model", model);
                } else if (!(askForUsage && "stream_options".equals(name)) && !ChatRequest.GATEWAY_FIELDS.contains(name)
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

    /** SSE {@code data:} events, each a chunk, until {@code data: [DONE]}. */
    private static final class OpenAiStreamDecoder implements StreamDecoder, SseReader.Listener {

        private static final byte[] DONE = "[DONE]".getBytes();

        private final SseReader reader = new SseReader();
        /** The model that was called: the chunks' model when a server leaves it out. */
        private final String upstreamModel;
        private Consumer<ChatChunk> out;
        private boolean done;
        private Usage usage;

        OpenAiStreamDecoder(String upstreamModel) {
            this.upstreamModel = upstreamModel;
        }

        @Override
        public void decode(byte[] bytes, Consumer<ChatChunk> out) {
            this.out = out;
            reader.feed(bytes, this);
        }

        @Override
        public void finish(Consumer<ChatChunk> out) {
            this.out = out;
            reader.finish(this);
        }

        /**
         * Scans the chunk without building its tree: only an error, the usage, whether {@code choices}
         * is empty and whether it names its model matter here; a later step that needs the content builds
         * the tree then.
         */
        @Override
        public void onEvent(String event, byte[] data) {
            if (java.util.Arrays.equals(data, DONE)) {
                done = true;
                return;
            }
            boolean hasChoices = false;
            boolean named = false;
            Usage reported = null;
            try (JsonParser parser = Json.FACTORY.createParser(data)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw notJson();
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("error".equals(field) && value != JsonToken.VALUE_NULL || "error".equals(event)) {
                        throw errorFrom(502, parseObject(data), null);
                    }
                    if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                        reported = Usage.fromOpenAi(EMBEDDED_VALUE.readTree(parser));
                    } else if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
                        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                            hasChoices = true;
                            parser.skipChildren();
                        }
                    } else {
                        named |= names(field, value);
                        parser.skipChildren();
                    }
                }
                if (parser.nextToken() != null) {
                    throw notJson();
                }
            } catch (IOException e) {
                throw notJson();
            }
            if (reported != null) {
                usage = reported;
            }
            if (!named) {
                out.accept(ChatChunk.of(parseObject(data).put("model", upstreamModel), reported));
                return;
            }
            // a payload spread over several data lines is re-framed from its tree, not copied
            out.accept(indexOf(data, (byte) '\n') < 0 ? ChatChunk.ofChunkBytes(data, hasChoices, reported)
                    : ChatChunk.of(parseObject(data), reported));
        }

        private static GatewayException notJson() {
            return GatewayException.upstreamUnavailable("The upstream stream sent an event that is not JSON.", null);
        }

        @Override
        public boolean endOfStream() {
            return done;
        }

        @Override
        public Usage usage() {
            return usage;
        }

        private static int indexOf(byte[] bytes, byte b) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == b) {
                    return i;
                }
            }
            return -1;
        }
    }
}
