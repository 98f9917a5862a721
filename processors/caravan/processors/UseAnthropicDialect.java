package caravan.processors;

import caravan.api.Variables;
import caravan.dialect.anthropic.AnthropicDialect;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Makes the call answer in Anthropic's shape from this step on, before anything can fail: a rejected key
 * on {@code /v1/messages} is an Anthropic {@code authentication_error}, not an OpenAI error body.
 * The route creates it by class ({@code ref: "#class:caravan.processors.UseAnthropicDialect"}).
 */
public final class UseAnthropicDialect implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.setVariable(Variables.DIALECT, AnthropicDialect.INSTANCE);
    }
}
