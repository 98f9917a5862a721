package caravan.providers.cohere;

import java.time.Clock;

import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.codec.UpstreamErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates a whole Cohere v2 chat answer into an OpenAI {@code chat.completion}: text content blocks
 * become {@code content}, thinking blocks and the {@code tool_plan} become {@code reasoning_content},
 * tool calls keep their ids, names and argument strings. Citations have no OpenAI counterpart and are
 * left out. Also holds the finish-reason and usage mappings the stream decoder shares.
 */
final class CohereResponseDecoder {

    private CohereResponseDecoder() {
    }

    /** @param model the model that was called: Cohere's answer does not name it */
    static ChatResponse decode(byte[] body, String model, Clock clock) {
        ObjectNode answer = Json.objectOrNull(body);
        JsonNode message = answer == null ? null : answer.get("message");
        if (message == null || !message.isObject()) {
            throw GatewayException.upstreamUnavailable("The upstream answered with a body that is not a Cohere chat answer.",
                    null);
        }
        String finishReason = finishReason(answer.path("finish_reason").asText(null), null);
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> reasoning.append(block.path("thinking").asText());
                default -> {
                    // block types added later carry nothing the OpenAI shape can hold
                }
            }
        }
        reasoning.append(message.path("tool_plan").asText(""));

        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", answer.path("id").asText(""));
        completion.put("object", "chat.completion");
        completion.put("created", clock.instant().getEpochSecond());
        completion.put("model", model);
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode out = choice.putObject("message");
        out.put("role", "assistant");
        out.put("content", text.isEmpty() ? null : text.toString());
        if (!reasoning.isEmpty()) {
            out.put("reasoning_content", reasoning.toString());
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (JsonNode call : toolCalls) {
                calls.addObject().put("id", call.path("id").asText()).put("type", "function").putObject("function")
                        .put("name", call.path("function").path("name").asText())
                        .put("arguments", arguments(call.path("function").get("arguments")));
            }
        }
        choice.put("finish_reason", finishReason);
        Usage usage = usage(answer.get("usage"));
        if (usage != null) {
            usage.writeOpenAi(completion);
        }
        return ChatResponse.of(completion, usage);
    }

    /**
     * Cohere's finish reasons in OpenAI's words. {@code TIMEOUT} cut the answer short as a token limit
     * would, so it reads as {@code length}; {@code ERROR} means the generation failed and is thrown.
     */
    static String finishReason(String cohere, String error) {
        if (cohere == null) {
            return "stop";
        }
        return switch (cohere) {
            case "MAX_TOKENS", "TIMEOUT" -> "length";
            case "TOOL_CALL" -> "tool_calls";
            case "ERROR" -> throw UpstreamErrors.providerFailure(null, null,
                    error == null || error.isBlank() ? "Cohere reported an error while generating the answer." : error, null);
            default -> "stop";
        };
    }

    /**
     * {@code usage.tokens} counts what the model read and wrote; {@code billed_units} (what is invoiced,
     * without Cohere's own prompt template) stands in when an answer reports only that.
     */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode tokens = usage.path("tokens");
        JsonNode counts = tokens.isObject() ? tokens : usage.path("billed_units");
        return new Usage(counts.path("input_tokens").asLong(), counts.path("output_tokens").asLong(),
                usage.path("cached_tokens").asLong(), 0, 0);
    }

    /** Arguments are a JSON string in the API; an object is written as one rather than lost. */
    static String arguments(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "";
        }
        return arguments.isTextual() ? arguments.asText() : arguments.toString();
    }
}
