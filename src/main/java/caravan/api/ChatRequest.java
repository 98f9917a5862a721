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
 * fields the gateway decides on are read once into typed fields. When the client spoke OpenAI, the bytes
 * it sent are kept too, so an unchanged request is forwarded without serialising it again.
 */
public final class ChatRequest {

    /** Fields the gateway acts on itself and never forwards to a provider. */
    public static final Set<String> GATEWAY_FIELDS = Set.of("fallbacks");

    private final ObjectNode json;
    private final byte[] clientBytes;
    private final boolean translated;
    private final String model;
    private final boolean stream;
    private final boolean includeUsage;

    /**
     * @param json        a validated Chat Completions body
     * @param clientBytes the bytes the client sent, when {@code json} is their exact parse; else null
     */
    public ChatRequest(ObjectNode json, byte[] clientBytes) {
        this(json, clientBytes, clientBytes == null);
    }

    private ChatRequest(ObjectNode json, byte[] clientBytes, boolean translated) {
        this.json = json;
        this.clientBytes = clientBytes;
        this.translated = translated;
        this.model = json.path("model").asText();
        this.stream = json.path("stream").asBoolean(false);
        this.includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
    }

    public ObjectNode json() {
        return json;
    }

    /** The client's own bytes of {@link #json()}, or null when the request was translated. */
    public byte[] clientBytes() {
        return clientBytes;
    }

    /**
     * The same request with another body (a mirror's copy, say): still from the same dialect, no longer
     * the client's bytes.
     */
    public ChatRequest withBody(ObjectNode body) {
        return new ChatRequest(body, null, translated);
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
