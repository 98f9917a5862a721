package caravan.processors;

import caravan.api.ChatRequest;
import caravan.api.Variables;
import caravan.dialect.anthropic.AnthropicDialect;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Parses an Anthropic Messages body, once, into the canonical {@code request}, and answers the call in
 * Anthropic's shape from then on; bad input is a 400 naming the field. Every later step reads the parsed
 * request, never the body.
 */
public final class ParseAnthropicMessages implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.setVariable(Variables.DIALECT, AnthropicDialect.INSTANCE);
        ChatRequest request = AnthropicDialect.INSTANCE.decodeRequest(exchange.getMessage().getBody(byte[].class));
        exchange.setVariable(Variables.REQUEST, request);
    }
}
