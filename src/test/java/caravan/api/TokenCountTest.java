package caravan.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCountTest {

    private static final String PROMPT = "You are a concise support assistant for an online bookshop. Answer in at most "
            + "three sentences and never invent tracking numbers.";

    @Test
    void aRequestCountsItsMessagesTextsAndTheirFraming() {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        messages.addObject().put("role", "system").put("content", PROMPT);
        messages.addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", "Where is my order?");

        long tokens = TokenCount.ofRequest(messages, null);

        assertThat(tokens).isEqualTo(3 + 4 + TokenCount.of(PROMPT) + 4 + TokenCount.of("Where is my order?"));
    }

    @Test
    void aRepeatedTextCountsTheSameAndManyTextsDoNotPileUp() {
        int first = TokenCount.cached(PROMPT);
        for (int i = 0; i < 3000; i++) {
            assertThat(TokenCount.cached(PROMPT + " Variant " + i + ".")).isPositive();
        }

        assertThat(TokenCount.cached(PROMPT)).isEqualTo(first).isEqualTo(TokenCount.of(PROMPT));
    }
}
