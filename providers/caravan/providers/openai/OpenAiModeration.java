package caravan.providers.openai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.ModerationRequest;
import caravan.api.ModerationResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI's moderation endpoint ({@code POST /v1/moderations}): the texts as {@code input}, the answer's
 * {@code results} (one per text: {@code flagged}, {@code categories}, {@code category_scores}) read into one
 * result across all texts.
 */
final class OpenAiModeration {

    /** OpenAI's current moderation model, used when the guardrail names none. */
    static final String DEFAULT_MODEL = "omni-moderation-latest";

    private OpenAiModeration() {
    }

    static byte[] encode(ModerationRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", request.model() == null ? DEFAULT_MODEL : request.model());
        request.input().forEach(body.putArray("input")::add);
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    static ModerationResult decode(byte[] body) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.path("results").isArray()) {
            throw new GatewayException(502, ErrorType.UPSTREAM, "upstream_error", null,
                    "The moderation endpoint answered something other than moderation results.");
        }
        boolean flagged = false;
        double maxScore = 0;
        List<String> categories = new ArrayList<>();
        for (JsonNode result : answer.get("results")) {
            flagged |= result.path("flagged").asBoolean(false);
            result.path("categories").properties().forEach(category -> {
                if (category.getValue().asBoolean(false) && !categories.contains(category.getKey())) {
                    categories.add(category.getKey());
                }
            });
            for (var score : result.path("category_scores").properties()) {
                maxScore = Math.max(maxScore, score.getValue().asDouble(0));
            }
        }
        return new ModerationResult(flagged, maxScore, categories);
    }
}
