package caravan.guardrails;

import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The texts of a canonical request, each with who wrote it: every message's string content and text parts
 * (system and developer messages are the application's, user messages the user's, assistant messages earlier
 * answers, {@code tool} and {@code function} messages third parties'), and the text of documents handed in as
 * content parts, which are third parties' in any message ({@link PartText}); read once for all pre-stage
 * guardrails, and the request written back with the texts a redaction changed.
 */
public final class RequestTexts {

    private RequestTexts() {
    }

    public static Texts of(ChatRequest request) {
        ArrayNode messages = request.messages();
        List<TextSlot> slots = new ArrayList<>(messages.size() + 2);
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            Source source = source(message.path("role").asText());
            JsonNode content = message.get("content");
            if (content == null) {
                continue;
            }
            if (content.isTextual()) {
                slots.add(new TextSlot(i, -1, source, content.asText()));
            } else if (content.isArray()) {
                for (int j = 0; j < content.size(); j++) {
                    JsonNode part = content.get(j);
                    String text = PartText.read(part);
                    if (text != null) {
                        slots.add(new TextSlot(i, j, PartText.authored(part) ? source : Source.THIRD_PARTY, text));
                    }
                }
            }
        }
        return new Texts(slots);
    }

    static Source source(String role) {
        return switch (role) {
            case "system", "developer" -> Source.SYSTEM;
            case "assistant" -> Source.ASSISTANT;
            case "tool", "function" -> Source.THIRD_PARTY;
            default -> Source.USER;
        };
    }

    /**
     * The request with the changed texts in place: a new tree (the client's own is left as it came), and a
     * request without the client's bytes, so every codec encodes what the guardrails left and no provider is
     * sent the original text.
     */
    public static ChatRequest rewrite(ChatRequest request, Texts texts) {
        ObjectNode json = request.json().deepCopy();
        ArrayNode messages = (ArrayNode) json.get("messages");
        for (TextSlot slot : texts.slots()) {
            ObjectNode message = (ObjectNode) messages.get(slot.message());
            if (slot.part() < 0) {
                message.put("content", slot.text());
            } else {
                PartText.write((ObjectNode) message.get("content").get(slot.part()), slot.text());
            }
        }
        return request.withBody(json);
    }
}
