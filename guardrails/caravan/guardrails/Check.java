package caravan.guardrails;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import org.apache.camel.Exchange;

/**
 * What one stage of one call puts before its guardrails: the texts (shared, and changed by redactions as the
 * checks go), the canonical request, the whole answer on the post stage (null on a stream, whose text
 * arrives chunk by chunk), and the exchange, for guardrails that call out through the gateway's routes.
 */
public record Check(Stage stage, Texts texts, ChatRequest request, ChatResponse response, Exchange exchange) {
}
