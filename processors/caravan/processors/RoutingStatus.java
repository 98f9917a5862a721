package caravan.processors;

import java.util.Map;

import caravan.api.Json;
import caravan.routing.CircuitBreakers;
import caravan.routing.MirrorLedger;
import caravan.telemetry.MirrorOutcome;
import caravan.routing.QualityScores;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /v1/caravan/routing}: the state routing decides on, for operators: each provider's circuit
 * breaker, each model's quality score, and the mirrors' comparisons (totals and the latest outcomes).
 */
public final class RoutingStatus implements Processor {

    private final CircuitBreakers breakers;
    private final QualityScores scores;
    private final MirrorLedger mirrors;

    public RoutingStatus(CircuitBreakers breakers, QualityScores scores, MirrorLedger mirrors) {
        this.breakers = breakers;
        this.scores = scores;
        this.mirrors = mirrors;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ObjectNode status = Json.MAPPER.createObjectNode();
        ObjectNode breakerStates = status.putObject("circuit_breakers");
        breakers.states().forEach((provider, state) -> breakerStates.put(provider, state.name()));
        ObjectNode quality = status.putObject("quality_scores");
        scores.all().forEach(quality::put);
        ObjectNode mirrorTotals = status.putObject("mirrors");
        for (Map.Entry<String, MirrorLedger.Totals> entry : mirrors.totals().entrySet()) {
            MirrorLedger.Totals totals = entry.getValue();
            ObjectNode node = mirrorTotals.putObject(entry.getKey());
            node.put("calls", totals.calls);
            node.put("errors", totals.errors);
            node.put("mean_latency_ms", totals.meanLatencyMs());
            node.put("input_tokens", totals.inputTokens);
            node.put("output_tokens", totals.outputTokens);
            node.put("cost_usd", totals.costUsd);
            Double divergence = totals.meanDivergence();
            if (divergence == null) {
                node.putNull("mean_divergence");
            } else {
                node.put("mean_divergence", divergence);
            }
        }
        status.set("recent_mirrors", Json.MAPPER.valueToTree(mirrors.recent().stream().limit(20)
                .map(RoutingStatus::describe).toList()));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.MAPPER.writeValueAsBytes(status));
    }

    private static ObjectNode describe(MirrorOutcome outcome) {
        return Json.MAPPER.valueToTree(outcome);
    }
}
