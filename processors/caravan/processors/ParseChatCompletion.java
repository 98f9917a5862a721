package caravan.processors;

import caravan.api.ChatRequest;
import caravan.api.Variables;
import caravan.dialect.openai.OpenAiDialect;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Parses an OpenAI Chat Completions body, once, into the canonical {@code request}; bad input is a 400
 * naming the parameter. Every later step reads the parsed request, never the body.
 */
public final class ParseChatCompletion implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.setVariable(Variables.DIALECT, OpenAiDialect.INSTANCE);
        ChatRequest request = OpenAiDialect.INSTANCE.decodeRequest(exchange.getMessage().getBody(byte[].class));
        exchange.setVariable(Variables.REQUEST, request);
    }
}
