package caravan.processors;

import caravan.guardrails.GuardrailChecks;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The {@code restoreRedactions} step: the placeholders of a reversible redaction ({@code pii} with
 * {@code reversible: true}) in a whole answer are put back to the caller's own values. It comes after the
 * cache store, so the cache keeps answers with placeholders (two callers whose requests differ only in what
 * was redacted share an answer, each restored with its own values), and after a cache hit, which needs
 * restoring too. A stream is restored as it passes.
 */
public final class RestoreRedactions implements Processor {

    private final GuardrailChecks checks;

    public RestoreRedactions(GuardrailChecks checks) {
        this.checks = checks;
    }

    @Override
    public void process(Exchange exchange) {
        if (!exchange.isFailed()) {
            checks.restore(exchange);
        }
    }
}
