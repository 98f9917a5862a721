package caravan.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.ClientStream;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Streams a stored answer to a client that asked for a stream: the canonical chunks a provider would have
 * sent for it (the role, the reasoning, the signed thinking, the text, each tool call, the finish reason,
 * then the usage chunk), written through the client's own {@link ClientStream}. So the client's dialect
 * encodes them as it encodes any stream: OpenAI chunks, the usage chunk only when asked for, and
 * {@code [DONE]}; or Anthropic's event sequence from {@code message_start} to {@code message_stop}.
 */
final class StreamReplay {

    private StreamReplay() {
    }

    static void replay(CachedAnswer answer, ClientStream client) {
        ObjectNode completion;
        try {
            completion = (ObjectNode) Json.MAPPER.readTree(answer.completion());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        send(client, completion, delta -> delta.put("role", message.path("role").asText("assistant")).put("content", ""));
        if (message.hasNonNull("reasoning_content")) {
            send(client, completion, delta -> delta.put("reasoning_content", message.get("reasoning_content").asText()));
        }
        if (message.path("thinking_blocks").isArray() && !message.get("thinking_blocks").isEmpty()) {
            send(client, completion, delta -> delta.set("thinking_blocks", message.get("thinking_blocks")));
        }
        String text = message.path("content").asText("");
        if (!text.isEmpty()) {
            send(client, completion, delta -> delta.put("content", text));
        }
        int index = 0;
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode piece = Json.MAPPER.createObjectNode();
            piece.put("index", index++);
            piece.put("id", call.path("id").asText());
            piece.put("type", "function");
            piece.putObject("function").put("name", call.path("function").path("name").asText())
                    .put("arguments", call.path("function").path("arguments").asText(""));
            if (call.has("extra_content")) {
                piece.set("extra_content", call.get("extra_content"));
            }
            send(client, completion, delta -> delta.putArray("tool_calls").add(piece));
        }
        ObjectNode finish = skeleton(completion);
        ObjectNode finishChoice = finish.putArray("choices").addObject();
        finishChoice.put("index", 0);
        finishChoice.putObject("delta");
        finishChoice.put("finish_reason", choice.path("finish_reason").asText("stop"));
        client.sendChunk(ChatChunk.of(finish, null));
        Usage usage = answer.usage();
        client.sendChunk(ChatChunk.ofUsage(skeleton(completion), usage));
        client.completeStream(usage);
    }

    /** Sends one chunk of the first choice, its delta filled by {@code fill}, with no finish reason yet. */
    private static void send(ClientStream client, ObjectNode completion, Consumer<ObjectNode> fill) {
        ObjectNode chunk = skeleton(completion);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        fill.accept(choice.putObject("delta"));
        choice.putNull("finish_reason");
        client.sendChunk(ChatChunk.of(chunk, null));
    }

    private static ObjectNode skeleton(ObjectNode completion) {
        ObjectNode chunk = ChatChunk.skeleton(completion.path("id").asText(""), completion.path("created").asLong(0),
                completion.path("model").asText(""));
        if (completion.hasNonNull("system_fingerprint")) {
            chunk.set("system_fingerprint", completion.get("system_fingerprint"));
        }
        return chunk;
    }
}
