package caravan.providers.gemini;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.sse.SseStreamDecoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code streamGenerateContent?alt=sse}: each {@code data:} event is a whole {@code GenerateContentResponse}
 * holding the next parts, translated into OpenAI chunks as it arrives. Per choice: a role chunk first,
 * then text, reasoning and tool calls (Gemini sends a function call whole, so one delta carries its id,
 * name and all its arguments), then a chunk with the finish reason. Gemini sends no {@code [DONE]}: the
 * answer is complete once a candidate reported a finish reason. Each event repeats the usage so far;
 * when the body ends, the last one goes out as the usage-only chunk.
 */
final class GeminiStreamDecoder extends SseStreamDecoder {

    private final long created;
    /** Per candidate index: how far its choice got. */
    private final Map<Integer, Choice> choices = new HashMap<>();
    /** The model that was called: the chunks' model when the first event names no {@code modelVersion}. */
    private final String calledModel;
    private String id;
    private String responseId;
    private String model;

    private static final class Choice {
        int toolCalls;
        boolean finished;
    }

    GeminiStreamDecoder(String calledModel, Clock clock) {
        this.created = clock.instant().getEpochSecond();
        this.calledModel = calledModel;
    }

    /** Gemini's last event carries the final usage: once the body ended, it goes out as the usage-only chunk. */
    @Override
    public void finish(Consumer<ChatChunk> out) {
        super.finish(out);
        if (endOfStream()) {
            emit(ChatChunk.ofUsage(chunk(), usage() == null ? Usage.NONE : usage()));
        }
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        JsonNode response = jsonObject(data);
        if (response.path("error").isObject()) {
            throw GeminiErrors.from(response.get("error"), 502, null);
        }
        if (id == null) {
            responseId = response.path("responseId").asText(null);
            id = responseId != null ? responseId : GeminiResponseDecoder.newId();
            model = GeminiResponseDecoder.model(response, calledModel);
        }
        Usage reported = GeminiResponseDecoder.usage(response.get("usageMetadata"));
        reportUsage(reported);
        JsonNode candidates = response.path("candidates");
        if (candidates.isEmpty()) {
            // a prompt Gemini blocked comes as a first event without candidates; a usage-only event is harmless
            if (response.path("promptFeedback").hasNonNull("blockReason")) {
                throw GeminiResponseDecoder.noCandidates(response);
            }
            return;
        }
        for (int position = 0; position < candidates.size(); position++) {
            candidate(candidates.get(position), position);
        }
    }

    private void candidate(JsonNode candidate, int position) {
        int index = candidate.path("index").asInt(position);
        Choice choice = choices.get(index);
        if (choice == null) {
            choice = new Choice();
            choices.put(index, choice);
            ObjectNode delta = Json.MAPPER.createObjectNode();
            delta.put("role", "assistant");
            delta.put("content", "");
            emit(index, delta, null);
        }
        for (JsonNode part : candidate.path("content").path("parts")) {
            ObjectNode delta = Json.MAPPER.createObjectNode();
            if (part.has("functionCall")) {
                ObjectNode call = delta.putArray("tool_calls").addObject().put("index", choice.toolCalls);
                call.setAll(GeminiResponseDecoder.toolCall(part, responseId, index, choice.toolCalls++));
            } else {
                String text = part.path("text").asText("");
                if (!text.isEmpty()) {
                    delta.put(part.path("thought").asBoolean(false) ? "reasoning_content" : "content", text);
                }
                if (part.hasNonNull("thoughtSignature")) {
                    delta.set("extra_content", GeminiResponseDecoder.signature(part.get("thoughtSignature").asText()));
                }
            }
            if (!delta.isEmpty()) {
                emit(index, delta, null);
            }
        }
        String finishReason = GeminiResponseDecoder.finishReason(candidate, choice.toolCalls > 0);
        if (finishReason != null && !choice.finished) {
            choice.finished = true;
            complete();
            emit(index, Json.MAPPER.createObjectNode(), finishReason);
        }
    }

    private void emit(int index, ObjectNode delta, String finishReason) {
        emit(ChatChunk.ofDelta(chunk(), index, delta, finishReason));
    }

    private ObjectNode chunk() {
        return ChatChunk.skeleton(id, created, model);
    }
}
