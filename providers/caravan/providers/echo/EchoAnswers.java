package caravan.providers.echo;

import caravan.api.TokenCount;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The built-in {@code echo} provider's answers: the text of the last user message (its first
 * {@value #MAX_REPLY_CHARS} characters), repeated back in the real Chat Completions format (a whole
 * completion, or the chunk sequence of a stream ending with the usage chunk). Token counts are real o200k
 * counts ({@link TokenCount}). Deterministic apart from {@code id} and {@code created}, so it serves for
 * trying the gateway without keys and for tests. Whatever a client sends, what it costs stays bounded.
 */
public final class EchoAnswers {

    /** What telemetry calls the echo provider: it is no GenAI system the conventions name. */
    public static final String GEN_AI_PROVIDER_NAME = "echo";
    private static final String FINGERPRINT = "fp_caravan_echo";
    /** Longer messages are repeated only this far: a 16 MB prompt must not become a 16 MB answer of a million chunks. */
    static final int MAX_REPLY_CHARS = 16 * 1024;

    private EchoAnswers() {
    }

    public static ChatResponse answer(ChatRequest request, String model) {
        String text = reply(request);
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", newId());
        json.put("object", "chat.completion");
        json.put("created", System.currentTimeMillis() / 1000);
        json.put("model", model);
        json.put("system_fingerprint", FINGERPRINT);
        ObjectNode choice = json.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", text);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        Usage usage = usage(request, text);
        usage.writeOpenAi(json);
        return ChatResponse.of(json, usage);
    }

    /** The chunks of a streamed answer: role, one chunk per word, finish reason, usage. */
    public static List<ChatChunk> stream(ChatRequest request, String model) {
        String text = reply(request);
        String id = newId();
        long created = System.currentTimeMillis() / 1000;
        List<ChatChunk> chunks = new ArrayList<>();
        ObjectNode first = chunk(id, created, model);
        first.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                .putObject("delta").put("role", "assistant").put("content", "");
        chunks.add(ChatChunk.of(first, null));
        for (String piece : pieces(text)) {
            ObjectNode content = chunk(id, created, model);
            content.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("content", piece);
            chunks.add(ChatChunk.of(content, null));
        }
        ObjectNode finish = chunk(id, created, model);
        ObjectNode finishChoice = finish.withArray("choices").addObject().put("index", 0);
        finishChoice.putObject("delta");
        finishChoice.put("finish_reason", "stop");
        chunks.add(ChatChunk.of(finish, null));
        chunks.add(ChatChunk.ofUsage(chunk(id, created, model), usage(request, text)));
        return chunks;
    }

    private static ObjectNode chunk(String id, long created, String model) {
        return ChatChunk.skeleton(id, created, model).put("system_fingerprint", FINGERPRINT);
    }

    /** Words with the space before them, so the pieces join back into the text exactly. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                pieces.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    private static String reply(ChatRequest request) {
        String text = lastUserText(request.messages());
        return text.length() <= MAX_REPLY_CHARS ? text : text.substring(0, MAX_REPLY_CHARS);
    }

    static String lastUserText(ArrayNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if ("user".equals(message.path("role").asText())) {
                return text(message.get("content"));
            }
        }
        return "";
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    /** OpenAI's own accounting: 3 tokens per message plus its content and role, 3 more to prime the reply. */
    private static Usage usage(ChatRequest request, String reply) {
        long prompt = 3;
        for (JsonNode message : request.messages()) {
            prompt += 3 + TokenCount.of(message.path("role").asText()) + TokenCount.of(text(message.get("content")));
        }
        return new Usage(prompt, TokenCount.of(reply), 0, 0, 0);
    }

    private static String newId() {
        return "chatcmpl-echo-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
