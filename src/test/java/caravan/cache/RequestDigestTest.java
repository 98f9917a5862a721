package caravan.cache;

import caravan.api.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact key: what changes the answer changes it, what does not (key order, delivery, who asked) does not. */
class RequestDigestTest {

    private static String key(String tenant, String target, String json) throws Exception {
        return RequestDigest.exact(tenant, target, (ObjectNode) Json.MAPPER.readTree(json));
    }

    private static final String BASE = """
            {"model":"gpt-4o-mini","temperature":0.2,"max_tokens":50,
             "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]}""";

    @Test
    void theOrderOfJsonKeysMakesNoDifference() throws Exception {
        String reordered = """
                {"messages":[{"content":"Be brief.","role":"system"},{"content":"Hello","role":"user"}],
                 "max_tokens":50,"temperature":0.2,"model":"gpt-4o-mini"}""";
        assertThat(key("t", "openai/gpt-4o-mini", reordered)).isEqualTo(key("t", "openai/gpt-4o-mini", BASE));
    }

    @Test
    void deliveryAndWhoAskedMakeNoDifference() throws Exception {
        String streamed = """
                {"model":"openai/gpt-4o-mini","temperature":0.2,"max_tokens":50,"stream":true,
                 "stream_options":{"include_usage":true},"user":"alice","metadata":{"trace":"x"},"store":true,
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]}""";
        assertThat(key("t", "openai/gpt-4o-mini", streamed)).isEqualTo(key("t", "openai/gpt-4o-mini", BASE));
    }

    @Test
    void numbersAndTextPartsAreReadForWhatTheySay() throws Exception {
        String written = """
                {"model":"gpt-4o-mini","temperature":0.20,"max_tokens":50.0,
                 "messages":[{"role":"system","content":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}]},
                             {"role":"user","content":"Hello"}]}""";
        assertThat(key("t", "openai/gpt-4o-mini", written)).isEqualTo(key("t", "openai/gpt-4o-mini", BASE));
    }

    @Test
    void whatChangesTheAnswerChangesTheKey() throws Exception {
        String base = key("t", "openai/gpt-4o-mini", BASE);
        assertThat(key("t", "openai/gpt-4o-mini", BASE.replace("0.2", "0.3"))).isNotEqualTo(base);
        assertThat(key("t", "openai/gpt-4o-mini", BASE.replace("\"max_tokens\":50", "\"max_tokens\":51"))).isNotEqualTo(base);
        assertThat(key("t", "openai/gpt-4o-mini", BASE.replace("Hello", "Hello!"))).isNotEqualTo(base);
        assertThat(key("t", "openai/gpt-4o-mini", BASE.replace("\"temperature\":0.2,", "\"temperature\":0.2,\"seed\":7,")))
                .isNotEqualTo(base);
        assertThat(key("t", "openai/gpt-4o-mini", BASE.replace("\"temperature\":0.2,",
                "\"temperature\":0.2,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"))).isNotEqualTo(base);
        assertThat(key("t", "openai/gpt-4o-mini", BASE.replace("\"temperature\":0.2,",
                "\"temperature\":0.2,\"response_format\":{\"type\":\"json_object\"},"))).isNotEqualTo(base);
    }

    @Test
    void theTenantAndWhatServesTheCallAreTheNamespace() throws Exception {
        String base = key("t", "openai/gpt-4o-mini", BASE);
        assertThat(key("other", "openai/gpt-4o-mini", BASE)).isNotEqualTo(base);
        assertThat(key("t", "anthropic/claude-haiku-4-5", BASE)).isNotEqualTo(base);
        assertThat(key("t", "route:support", BASE)).isNotEqualTo(base);
        // one string split differently between tenant and target is still another namespace
        assertThat(key("ab", "c", BASE)).isNotEqualTo(key("a", "bc", BASE));
    }

    @Test
    void theConversationWithoutItsLastContentIsDigestedAsACopyWithoutItWouldBe() throws Exception {
        com.fasterxml.jackson.databind.node.ArrayNode messages = (com.fasterxml.jackson.databind.node.ArrayNode) Json.MAPPER.readTree("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"hi"}]},
                 {"role":"assistant","content":"Hello."},{"name":"ann","role":"user","content":"what is the capital of italy"}]""");
        com.fasterxml.jackson.databind.node.ArrayNode copy = messages.deepCopy();
        ((ObjectNode) copy.get(copy.size() - 1)).remove("content");

        String inPlace = RequestDigest.of("t", "openai/gpt-4o-mini").conversationWithoutLastContent(messages).finish();
        String fromCopy = RequestDigest.of("t", "openai/gpt-4o-mini").value(copy).finish();

        assertThat(inPlace).isEqualTo(fromCopy);
        assertThat(messages.get(3).has("content")).isTrue();
        ((ObjectNode) messages.get(3)).put("name", "bob");
        assertThat(RequestDigest.of("t", "openai/gpt-4o-mini").conversationWithoutLastContent(messages).finish())
                .isNotEqualTo(inPlace);
    }
}
