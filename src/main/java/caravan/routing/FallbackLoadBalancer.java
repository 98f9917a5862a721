package caravan.routing;

import java.util.Set;

import caravan.api.CallContext;
import caravan.api.ClientStream;
import caravan.api.GatewayException;
import caravan.api.Variables;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.processor.loadbalancer.FailOverLoadBalancer;
import org.apache.camel.support.processor.PredicateValidationException;

/**
 * {@code loadBalance: customLoadBalancer: ref: fallback}: tries its steps in order and moves to the next
 * one only when the {@link RetryPolicy} matrix says so (never on a 400, never once a stream reached the
 * client). A failed post-check ({@code validate}, or a check processor's {@link PostCheckFailedException})
 * moves on too. Subclasses change the order.
 */
public class FallbackLoadBalancer extends FailOverLoadBalancer {

    private final RetryPolicy policy;
    private final Set<Integer> alsoMoveOn;

    public FallbackLoadBalancer(RetryPolicy policy) {
        this(policy, Set.of());
    }

    public FallbackLoadBalancer(RetryPolicy policy, Set<Integer> alsoMoveOn) {
        this.policy = policy;
        this.alsoMoveOn = alsoMoveOn;
        setMaximumFailoverAttempts(-1);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        AsyncProcessor[] ordered = order(doGetProcessors(), exchange);
        // while the chain runs, each of its model steps has alternatives after it
        CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
        call.enterFallbackChain();
        AsyncCallback done = doneSync -> {
            call.leaveFallbackChain();
            callback.done(doneSync);
        };
        exchange.getContext().getCamelContextExtension().getReactiveExecutor()
                .schedule(new State(exchange, done, ordered)::run);
        return false;
    }

    /** The order in which to try the steps; as written by default. */
    protected AsyncProcessor[] order(AsyncProcessor[] steps, Exchange exchange) {
        return steps;
    }

    @Override
    protected boolean shouldFailOver(Exchange attempt) {
        Exception failure = attempt.getException();
        if (failure == null) {
            return false;
        }
        ClientStream client = attempt.getVariable(Variables.CLIENT, ClientStream.class);
        boolean committed = client != null && client.committed();
        if (failure instanceof PredicateValidationException || failure instanceof PostCheckFailedException) {
            postCheckFailed(attempt);
            return !committed;
        }
        GatewayException error = failure instanceof GatewayException gateway ? gateway
                : failure.getCause() instanceof GatewayException cause ? cause : null;
        return error != null && policy.classify(error, committed, alsoMoveOn) != RetryPolicy.Verdict.TERMINAL;
    }

    /** Called when an answer failed the route's post-check; the cost strategy lowers the model's score. */
    protected void postCheckFailed(Exchange attempt) {
    }
}
