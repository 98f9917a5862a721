package caravan.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The canonical request: an OpenAI Chat Completions body, parsed once at the edge. The Jackson tree is
 * kept whole, so fields the gateway does not know reach OpenAI-compatible upstreams untouched; the few
 * fields the gateway decides on are read once into typed fields. The request as the client wrote it is
 * kept too: when the client spoke OpenAI those are the bytes of {@link #json()} ({@link #clientBytes()}),
 * and a request that arrived in another format (Anthropic Messages) keeps its own tree and bytes
 * ({@link #original}), so a provider speaking that format gets it as sent rather than translated there and back.
 */
public final class ChatRequest {

    /**
     * A request exactly as the client wrote it in its own format: its parsed tree and its bytes.
     * Steps that change a request make a new one ({@link #withBody}), which has no original.
     */
    public record Original(WireFormat format, ObjectNode json, byte[] bytes) {
    }

    /** Fields the gateway acts on itself and never forwards to a provider. */
    public static final Set<String> GATEWAY_FIELDS = Set.of("fallbacks");

    private final ObjectNode json;
    private final byte[] clientBytes;
    private final boolean translated;
    /** The format the client spoke; null for a request whose origin is not known (built by a test, say). */
    private final WireFormat clientFormat;
    /** The client's own request when it is not {@link #json()} itself (another format), else null. */
    private final Original translatedFrom;
    private final String model;
    private final boolean stream;
    private final boolean includeUsage;

    /**
     * @param json        a validated Chat Completions body
     * @param clientBytes the bytes the client sent, when {@code json} is their exact parse; else null
     */
    public ChatRequest(ObjectNode json, byte[] clientBytes) {
        this(json, clientBytes, clientBytes == null, clientBytes == null ? null : WireFormat.CHAT_COMPLETIONS, null);
    }

    private ChatRequest(ObjectNode json, byte[] clientBytes, boolean translated, WireFormat clientFormat,
                        Original translatedFrom) {
        this.json = json;
        this.clientBytes = clientBytes;
        this.translated = translated;
        this.clientFormat = clientFormat;
        this.translatedFrom = translatedFrom;
        this.model = json.path("model").asText();
        this.stream = json.path("stream").asBoolean(false);
        this.includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
    }

    public ObjectNode json() {
        return json;
    }

    /**
     * A request a client sent in another format, translated into {@code canonical}; the client's own tree
     * and bytes are kept for a provider that speaks that format.
     */
    public static ChatRequest translatedFrom(WireFormat format, ObjectNode canonical, ObjectNode clientJson,
                                             byte[] clientBytes) {
        return new ChatRequest(canonical, null, true, format, new Original(format, clientJson, clientBytes));
    }

    /** The client's own bytes of {@link #json()}, or null when the request was translated. */
    public byte[] clientBytes() {
        return clientBytes;
    }

    /** The format the client spoke, which its answer is written in; null when not known. */
    public WireFormat clientFormat() {
        return clientFormat;
    }

    /**
     * The request as the client wrote it, when the client spoke {@code format}, one other than the canonical
     * form (whose client bytes are {@link #clientBytes()}); null when it spoke another one, or when a step
     * replaced the body ({@link #withBody}).
     */
    public Original original(WireFormat format) {
        return translatedFrom != null && translatedFrom.format() == format ? translatedFrom : null;
    }

    /**
     * The same request with another body (a mirror's copy, a request a guardrail redacted): still from the same dialect, no longer
     * the client's request, so no provider is sent the client's own bytes.
     */
    public ChatRequest withBody(ObjectNode body) {
        return new ChatRequest(body, null, translated, clientFormat, null);
    }

    /**
     * True when another dialect's request was translated into this one: its body may carry that dialect's
     * extensions ({@link CanonicalExtensions}), which OpenAI-compatible upstreams must not see.
     */
    public boolean translated() {
        return translated;
    }

    /** The model (or named route) the client asked for, as it wrote it. */
    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** Whether the client asked for the usage chunk at the end of a stream. */
    public boolean includeUsage() {
        return includeUsage;
    }

    public ArrayNode messages() {
        return (ArrayNode) json.get("messages");
    }

    public String user() {
        JsonNode user = json.get("user");
        return user == null || user.isNull() ? null : user.asText();
    }

    /** The models to try, in order, when {@link #model()} fails (LiteLLM's request-level {@code fallbacks}). */
    public List<String> fallbacks() {
        JsonNode fallbacks = json.get("fallbacks");
        if (fallbacks == null || !fallbacks.isArray()) {
            return List.of();
        }
        List<String> models = new ArrayList<>(fallbacks.size());
        fallbacks.forEach(model -> models.add(model.asText()));
        return models;
    }

    /** True when the body holds fields that must be removed before a provider sees it. */
    public boolean carriesGatewayFields() {
        for (String field : GATEWAY_FIELDS) {
            if (json.has(field)) {
                return true;
            }
        }
        return false;
    }

    /** The request's {@code metadata} object, or null. */
    public ObjectNode metadata() {
        JsonNode metadata = json.get("metadata");
        return metadata instanceof ObjectNode object ? object : null;
    }
}
