package caravan.processors;

import caravan.guardrails.GuardrailChecks;
import caravan.guardrails.StageCompletion;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The {@code preGuardrails} step: the request checked by the call's guardrails before any provider (or the
 * cache) sees it: blocked (400 {@code guardrail_blocked}, no provider called, nothing spent), warned, or
 * redacted (the request rewritten, so every provider is sent the placeholders). A streamed answer's post
 * stage is put on the client stream here, before the model is called. An evaluator's check resumes the route
 * when it answers; no thread waits for it.
 */
public final class PreGuardrails extends AsyncProcessorSupport implements AsyncProcessor {

    private final GuardrailChecks checks;

    public PreGuardrails(GuardrailChecks checks) {
        this.checks = checks;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            return StageCompletion.complete(exchange, callback, checks.pre(exchange));
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }
}
