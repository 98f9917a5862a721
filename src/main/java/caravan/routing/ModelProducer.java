package caravan.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import caravan.api.AttemptGate;
import caravan.api.CallContext;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ClientGoneException;
import caravan.api.ClientStream;
import caravan.api.GatewayException;
import caravan.api.OnLoop;
import caravan.api.Usage;
import caravan.api.Variables;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Context;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the endpoint's model (for {@code model:requested}, the request's model and then its own fallbacks),
 * attempt by attempt: each failure is judged by the {@link RetryPolicy} matrix, retried after a backoff,
 * moved past, or ended. However a route is written, a request makes at most {@code routing.max-attempts}
 * attempts in all. Never blocks: waits are Vert.x timers, calls are asynchronous.
 */
final class ModelProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(ModelProducer.class);

    private final ModelEndpoint endpoint;
    private final ModelComponent component;

    ModelProducer(ModelEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.component = endpoint.getComponent();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            List<Target> chain = new ArrayList<>(2);
            if (endpoint.isRequested()) {
                chain.add(component.target(exchange.getVariable(Variables.PROVIDER, String.class),
                        exchange.getVariable(Variables.UPSTREAM_MODEL, String.class)));
                for (String fallback : exchange.getVariable(Variables.REQUEST, ChatRequest.class).fallbacks()) {
                    chain.add(component.target(fallback));
                }
            } else {
                chain.add(endpoint.getTarget());
            }
            new Attempts(exchange, callback, chain).next();
            return false;
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    /** The attempts of one request, target after target. */
    private final class Attempts {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final List<Target> chain;
        private final CallContext call;
        /** null for a call nobody streams to (a mirror) */
        private final ClientStream client;
        /** Where an attempt starts after the budget gate, which may decide on the store's pool */
        private final Context loop = OnLoop.current();
        private int index;
        private int retry;
        private GatewayException last;

        Attempts(Exchange exchange, AsyncCallback callback, List<Target> chain) {
            this.exchange = exchange;
            this.callback = callback;
            this.chain = chain;
            this.call = exchange.getVariable(Variables.CALL, CallContext.class);
            this.client = exchange.getVariable(Variables.CLIENT, ClientStream.class);
        }

        /**
         * A target that is cooling down or whose circuit is open is skipped only while an alternative
         * remains (a later target here, or a later step of a fallback route); the last resort is called
         * anyway, as a single deployment is in LiteLLM.
         */
        void next() {
            while (index < chain.size()) {
                Target target = chain.get(index);
                if (call.remainingNanos() <= 0) {
                    finish(GatewayException.deadlineExceeded());
                    return;
                }
                if (call.attemptCount() >= component.maxAttempts()) {
                    finish(last != null ? last : RetryPolicy.attemptsExhausted(component.maxAttempts()));
                    return;
                }
                if (!call.fits(component.catalog().contextWindow(target.provider(), target.model()))) {
                    // the request was too long for a model whose window is at least this one's
                    skip(call.tooLong());
                    continue;
                }
                boolean alternatives = index < chain.size() - 1 || call.inFallbackChain();
                if (alternatives && component.cooldowns().isCooling(target)) {
                    skip(TargetUnavailableException.coolingDown(target));
                    continue;
                }
                CircuitBreaker breaker = component.breakers().of(target.provider());
                boolean permitted = breaker.tryAcquirePermission();
                if (!permitted && alternatives) {
                    skip(TargetUnavailableException.circuitOpen(target));
                    continue;
                }
                gated(target, permitted ? breaker : null);
                return;
            }
            finish(last);
        }

        /** The admission's gate (budgets) decides on every attempt, priced at the model about to be called. */
        private void gated(Target target, CircuitBreaker breaker) {
            AttemptGate gate = exchange.getVariable(Variables.ADMISSION, AttemptGate.class);
            if (gate == null) {
                attempt(target, breaker);
                return;
            }
            gate.beforeAttempt(target.provider(), target.model(), refused -> OnLoop.run(loop, () -> {
                if (refused == null) {
                    attempt(target, breaker);
                    return;
                }
                release(breaker);
                skip(refused);
                next();
            }));
        }

        private void release(CircuitBreaker breaker) {
            if (breaker != null) {
                breaker.releasePermission();
            }
        }

        private void skip(GatewayException reason) {
            last = reason;
            index++;
            retry = 0;
        }

        private void attempt(Target target, CircuitBreaker breaker) {
            AsyncProducer route;
            try {
                route = component.providerRoute(target.provider());
            } catch (Exception e) {
                release(breaker);
                finish(GatewayException.internal("The route of provider '" + target.provider() + "' cannot be called.", e));
                return;
            }
            if (route == null) {
                release(breaker);
                skip(GatewayException.notFound("No route serves provider '" + target.provider() + "'.", "model",
                        "model_not_found"));
                next();
                return;
            }
            exchange.setException(null);
            exchange.removeVariable(Variables.RESPONSE);
            exchange.removeVariable(Variables.USAGE);
            exchange.removeVariable(Variables.GEN_AI_PROVIDER);
            exchange.setVariable(Variables.PROVIDER, target.provider());
            exchange.setVariable(Variables.UPSTREAM_MODEL, target.model());
            CallContext.Attempt attempt = call.attemptStarted(target.provider(), target.model());
            if (client != null) {
                client.newAttempt();
            }
            long started = System.nanoTime();
            route.process(exchange, doneSync -> completed(target, attempt, breaker, System.nanoTime() - started));
        }

        /** @param breaker the provider's breaker when it permitted this attempt, else null (nothing to report) */
        private void completed(Target target, CallContext.Attempt attempt, CircuitBreaker breaker, long nanos) {
            Exception failure = exchange.getException();
            GatewayException error = failure == null ? null : asGatewayException(failure);
            // the usage that arrived was paid for, whether the attempt succeeded or not, at the price of the
            // model that answered (a stand-in answering for another is priced as itself)
            Usage usage = exchange.getVariable(Variables.USAGE, Usage.class);
            attempt.ended(usage, component.prices().cost(attempt.provider(), attempt.model(), usage), error);
            AttemptGate gate = exchange.getVariable(Variables.ADMISSION, AttemptGate.class);
            if (gate != null) {
                gate.attemptEnded(attempt);
            }
            report(target, attempt, failure);
            if (failure == null) {
                if (breaker != null) {
                    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                }
                if (!endpoint.isRequested()) {
                    // only a route's own targets are ever ranked by latency; a client's names are not kept
                    component.latencies().record(target, nanos);
                }
                component.recentCalls().remember(call.requestId(), target);
                callback.done(false);
                return;
            }
            RetryPolicy policy = component.policy();
            if (breaker != null && policy.blamesProvider(error)) {
                breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
            } else if (breaker != null) {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
            last = error;
            if (GatewayException.CONTEXT_LENGTH_EXCEEDED.equals(error.code())) {
                call.tooLongFor(component.catalog().contextWindow(target.provider(), target.model()), error);
            }
            switch (policy.classify(error, client != null && client.committed(), endpoint.getMoveOn())) {
                case TERMINAL -> finish(error);
                case MOVE_ON -> {
                    skip(error);
                    next();
                }
                case RETRY -> retryOrMoveOn(target, error);
            }
        }

        /** One provider call for the GenAI client metrics; a client that went away is not the provider's failure. */
        private void report(Target target, CallContext.Attempt attempt, Exception failure) {
            if (failure instanceof ClientGoneException) {
                return;
            }
            ChatResponse response = failure == null ? exchange.getVariable(Variables.RESPONSE, ChatResponse.class) : null;
            component.recorder().attemptEnded(attempt, exchange.getVariable(Variables.GEN_AI_PROVIDER, String.class),
                    target.model(), exchange.getVariable(Variables.REQUEST, ChatRequest.class).stream(), response,
                    call.firstChunkAt());
        }

        /**
         * Retries the same target after its backoff (or its Retry-After) while it has retries left and the
         * wait fits both the policy's ceiling and the deadline; otherwise moves on, and a rate-limited
         * target then cools down so that other requests skip it until its Retry-After has passed.
         */
        private void retryOrMoveOn(Target target, GatewayException error) {
            RetryPolicy policy = component.policy();
            long wait = policy.backoffMillis(retry, error.retryAfter());
            boolean fits = wait <= policy.maxBackoffMillis()
                    && TimeUnit.MILLISECONDS.toNanos(wait) < call.remainingNanos();
            if (retry < endpoint.getRetries() && fits) {
                retry++;
                // the wait belongs to the provider's failure, not to the gateway's overhead
                call.upstreamStarted();
                component.vertx().setTimer(Math.max(1, wait), id -> {
                    call.upstreamFinished();
                    next();
                });
                return;
            }
            if (error.status() == 429) {
                component.cooldowns().coolDown(target, RetryPolicy.retryAfterMillis(error.retryAfter()));
            }
            skip(error);
            next();
        }

        private void finish(GatewayException error) {
            exchange.setException(error);
            callback.done(false);
        }

        private GatewayException asGatewayException(Exception failure) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof GatewayException gateway) {
                    return gateway;
                }
            }
            LOG.error("Unexpected failure calling {}", chain.get(index), failure);
            return GatewayException.internal("The provider route failed.", failure);
        }
    }
}
