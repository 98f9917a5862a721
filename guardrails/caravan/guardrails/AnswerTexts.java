package caravan.guardrails;

import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The texts of a whole answer (each choice's message content), and the answer written back with changed ones. */
public final class AnswerTexts {

    private AnswerTexts() {
    }

    public static Texts of(ChatResponse response) {
        JsonNode choices = response.json().path("choices");
        List<TextSlot> slots = new ArrayList<>(choices.size());
        for (int i = 0; i < choices.size(); i++) {
            JsonNode content = choices.get(i).path("message").get("content");
            if (content != null && content.isTextual()) {
                slots.add(new TextSlot(i, -1, Source.ANSWER, content.asText()));
            }
        }
        return new Texts(slots);
    }

    /**
     * A new answer with the texts as they are now: the provider's bytes are not kept, so every client dialect
     * encodes what the guardrails left.
     */
    public static ChatResponse rewrite(ChatResponse response, Texts texts) {
        ObjectNode json = response.json().deepCopy();
        for (TextSlot slot : texts.slots()) {
            ((ObjectNode) json.get("choices").get(slot.message()).get("message")).put("content", slot.text());
        }
        return ChatResponse.of(json, response.usage());
    }
}
