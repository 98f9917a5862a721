package caravan.providers.gemini;

import java.time.Clock;
import java.util.Set;
import java.util.UUID;

import caravan.api.ChatResponse;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Gemini {@code GenerateContentResponse} as an OpenAI {@code chat.completion}, and the translations the
 * whole answer and the stream share: finish reasons, usage buckets, tool calls, thought signatures, and
 * the refusal of a prompt Gemini blocked.
 */
final class GeminiResponseDecoder {

    /** Finish reasons that mean Gemini's filters withheld (part of) the answer. */
    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
            "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

    private GeminiResponseDecoder() {
    }

    /** @param calledModel the answer's model when Gemini does not name its {@code modelVersion} */
    static ChatResponse decode(byte[] body, String calledModel, Clock clock) {
        JsonNode answer = Json.objectOrNull(body);
        if (answer == null) {
            throw GatewayException.upstreamUnavailable("The upstream answered with a body that is not a Gemini response.",
                    null);
        }
        if (answer.path("error").isObject()) {
            throw GeminiErrors.from(answer.get("error"), 502, null);
        }
        JsonNode candidates = answer.path("candidates");
        if (candidates.isEmpty()) {
            throw noCandidates(answer);
        }
        String responseId = answer.path("responseId").asText(null);
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", responseId != null ? responseId : newId());
        completion.put("object", "chat.completion");
        completion.put("created", clock.instant().getEpochSecond());
        completion.put("model", model(answer, calledModel));
        ArrayNode choices = completion.putArray("choices");
        for (int position = 0; position < candidates.size(); position++) {
            choices.add(choice(candidates.get(position), position, responseId));
        }
        Usage usage = usage(answer.get("usageMetadata"));
        if (usage != null) {
            usage.writeOpenAi(completion);
        }
        return ChatResponse.of(completion, usage);
    }

    private static ObjectNode choice(JsonNode candidate, int position, String responseId) {
        int index = candidate.path("index").asInt(position);
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        String textSignature = null;
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                toolCalls.add(toolCall(part, responseId, index, toolCalls.size()));
                continue;
            }
            if (part.path("thought").asBoolean(false)) {
                reasoning.append(part.path("text").asText());
            } else {
                text.append(part.path("text").asText());
            }
            if (part.hasNonNull("thoughtSignature")) {
                textSignature = part.get("thoughtSignature").asText();
            }
        }
        ObjectNode choice = Json.MAPPER.createObjectNode();
        choice.put("index", index);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (text.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        if (textSignature != null) {
            message.set("extra_content", signature(textSignature));
        }
        String finishReason = finishReason(candidate, !toolCalls.isEmpty());
        choice.put("finish_reason", finishReason == null ? "stop" : finishReason);
        return choice;
    }

    /**
     * OpenAI's finish reason for a candidate, or null while Gemini has not finished it. A natural stop
     * after function calls is {@code tool_calls}, as OpenAI reports it.
     */
    static String finishReason(JsonNode candidate, boolean calledTools) {
        String reason = candidate.path("finishReason").asText(null);
        if (reason == null) {
            return null;
        }
        if (FILTERED.contains(reason)) {
            return "content_filter";
        }
        if ("MAX_TOKENS".equals(reason)) {
            return "length";
        }
        return calledTools ? "tool_calls" : "stop";
    }

    /**
     * One {@code functionCall} part as an OpenAI tool call. Gemini's own call id is kept when it sends one;
     * otherwise the id is made from the response id and the call's position, so the streamed and the
     * whole answer name a call alike and no two answers of a conversation reuse an id.
     */
    static ObjectNode toolCall(JsonNode part, String responseId, int candidate, int index) {
        JsonNode call = part.get("functionCall");
        ObjectNode toolCall = Json.MAPPER.createObjectNode();
        String id = call.hasNonNull("id") ? call.get("id").asText()
                : "call_" + (responseId == null ? "" : responseId + "_") + (candidate == 0 ? "" : candidate + "_") + index;
        toolCall.put("id", id);
        toolCall.put("type", "function");
        ObjectNode function = toolCall.putObject("function");
        function.put("name", call.path("name").asText());
        function.put("arguments", arguments(call.get("args")));
        if (part.hasNonNull("thoughtSignature")) {
            toolCall.set("extra_content", signature(part.get("thoughtSignature").asText()));
        }
        return toolCall;
    }

    private static String arguments(JsonNode args) {
        try {
            return args == null || args.isNull() ? "{}" : Json.MAPPER.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A Jackson tree always serialises", e);
        }
    }

    /** {@code {"google":{"thought_signature":...}}}: where Google's OpenAI-compatible API puts a signature. */
    static ObjectNode signature(String thoughtSignature) {
        ObjectNode extra = Json.MAPPER.createObjectNode();
        extra.putObject("google").put("thought_signature", thoughtSignature);
        return extra;
    }

    /**
     * Gemini's usage as the gateway's buckets: {@code promptTokenCount} already includes the cached
     * tokens; tool-use prompt tokens (a search tool's results) are input too; thoughts are output the
     * model generated besides the candidates.
     */
    static Usage usage(JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return null;
        }
        long thoughts = metadata.path("thoughtsTokenCount").asLong();
        return new Usage(
                metadata.path("promptTokenCount").asLong() + metadata.path("toolUsePromptTokenCount").asLong(),
                metadata.path("candidatesTokenCount").asLong() + thoughts,
                metadata.path("cachedContentTokenCount").asLong(),
                0,
                thoughts);
    }

    /** An answer without candidates: Gemini blocked the prompt (a 400 the client can act on), or it is broken. */
    static GatewayException noCandidates(JsonNode answer) {
        JsonNode feedback = answer.path("promptFeedback");
        String blockReason = feedback.path("blockReason").asText(null);
        if (blockReason == null) {
            return GatewayException.upstreamUnavailable("The upstream answered without any candidate.", null);
        }
        StringBuilder message = new StringBuilder("The provider's safety filters blocked the prompt (blockReason: ")
                .append(blockReason);
        for (JsonNode rating : feedback.path("safetyRatings")) {
            if (rating.path("blocked").asBoolean(false)) {
                message.append(", category: ").append(rating.path("category").asText());
            }
        }
        message.append(").");
        if (feedback.hasNonNull("blockReasonMessage")) {
            message.append(' ').append(feedback.get("blockReasonMessage").asText());
        }
        return new GatewayException(400, ErrorType.INVALID_REQUEST, "content_filter", "messages", message.toString());
    }

    /** The {@code modelVersion} that answered, else the model that was called. */
    static String model(JsonNode answer, String calledModel) {
        String version = answer.path("modelVersion").asText("");
        return version.isEmpty() ? calledModel : version;
    }

    static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }
}
