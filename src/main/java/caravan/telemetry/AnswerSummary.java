package caravan.telemetry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatResponse;
import caravan.api.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The id, model and finish reasons of a whole answer, for its span. An answer passed through as the
 * upstream's bytes is scanned with the streaming parser rather than built into a tree it never needed.
 */
record AnswerSummary(String id, String model, List<String> finishReasons) {

    static final AnswerSummary NONE = new AnswerSummary(null, null, List.of());

    static AnswerSummary of(ChatResponse response) {
        byte[] bytes = response.upstreamBytes();
        return bytes != null ? scan(bytes) : fromTree(response.json());
    }

    private static AnswerSummary fromTree(JsonNode body) {
        List<String> reasons = new ArrayList<>(1);
        body.path("choices").forEach(choice -> {
            if (choice.path("finish_reason").isTextual()) {
                reasons.add(choice.path("finish_reason").asText());
            }
        });
        return new AnswerSummary(body.path("id").asText(null), body.path("model").asText(null), reasons);
    }

    static AnswerSummary scan(byte[] bytes) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            String id = null;
            String model = null;
            List<String> reasons = new ArrayList<>(1);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("id".equals(field) && value == JsonToken.VALUE_STRING) {
                    id = parser.getText();
                } else if ("model".equals(field) && value == JsonToken.VALUE_STRING) {
                    model = parser.getText();
                } else if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
                    readFinishReasons(parser, reasons);
                } else {
                    parser.skipChildren();
                }
            }
            return new AnswerSummary(id, model, reasons);
        } catch (IOException e) {
            return NONE;
        }
    }

    private static void readFinishReasons(JsonParser parser, List<String> reasons) throws IOException {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("finish_reason".equals(field) && value == JsonToken.VALUE_STRING) {
                    reasons.add(parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        }
    }
}
