package caravan.processors;

import java.io.IOException;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.routing.QualityScores;
import caravan.routing.RecentCalls;
import caravan.routing.Target;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code POST /v1/feedback {"request_id": "...", "score": 0.0-1.0}}: credits a score to the model that
 * answered the request (its {@code x-caravan-request-id}); cost-optimized routes prefer models whose live
 * score meets their bar.
 */
public final class RecordFeedback implements Processor {

    private final RecentCalls recentCalls;
    private final QualityScores scores;

    public RecordFeedback(RecentCalls recentCalls, QualityScores scores) {
        this.recentCalls = recentCalls;
        this.scores = scores;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        JsonNode feedback;
        try {
            feedback = body == null ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            feedback = null;
        }
        if (feedback == null || !feedback.path("request_id").isTextual()) {
            throw GatewayException.badRequest("Send {\"request_id\": \"<x-caravan-request-id>\", \"score\": 0.0-1.0}.",
                    "request_id", "missing_required_parameter");
        }
        JsonNode score = feedback.get("score");
        if (score == null || !score.isNumber() || score.asDouble() < 0 || score.asDouble() > 1) {
            throw GatewayException.badRequest("'score' must be a number from 0 to 1.", "score", "invalid_value");
        }
        Target target = recentCalls.servedBy(feedback.get("request_id").asText());
        if (target == null) {
            throw GatewayException.notFound("No recent request has that id.", "request_id", "request_not_found");
        }
        scores.observe(target, score.asDouble());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode()
                .put("model", target.toString()).put("score", scores.score(target))));
    }
}
