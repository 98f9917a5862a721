package caravan.processors;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Dialect;
import caravan.api.Variables;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Encodes the canonical {@code response} in the dialect the client spoke, as the message body the edge
 * sends. A stream needs nothing here: its chunks were sent as they arrived.
 */
public final class Respond implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (exchange.getVariable(Variables.REQUEST, ChatRequest.class).stream()) {
            return;
        }
        ChatResponse response = exchange.getVariable(Variables.RESPONSE, ChatResponse.class);
        Dialect dialect = exchange.getVariable(Variables.DIALECT, Dialect.class);
        Message message = exchange.getMessage();
        message.setBody(dialect.encodeResponse(response));
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
