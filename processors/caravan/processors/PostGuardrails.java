package caravan.processors;

import caravan.guardrails.GuardrailChecks;
import caravan.guardrails.StageCompletion;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The {@code postGuardrails} step: the whole answer checked by the call's post-stage guardrails before the
 * client (or the cache) gets it: blocked, failed as unusable, warned, or redacted. The placeholders of a
 * reversible redaction stay until {@link RestoreRedactions}. A streamed answer was checked chunk by chunk as
 * it passed (see {@link PreGuardrails}); nothing is left to do for it here.
 */
public final class PostGuardrails extends AsyncProcessorSupport implements AsyncProcessor {

    private final GuardrailChecks checks;

    public PostGuardrails(GuardrailChecks checks) {
        this.checks = checks;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            return StageCompletion.complete(exchange, callback, checks.post(exchange));
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }
}
