package caravan.telemetry;

import java.math.BigDecimal;

import caravan.catalog.Prices;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import caravan.api.CacheOutcome;
import caravan.api.CallContext;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.GuardrailOutcome;
import caravan.api.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells what the gateway did, call by call, to whoever subscribed: the metrics, the dashboard's live
 * stats, the mirror ledger, and any later listener (the usage ledger). Each provider attempt is told once
 * when it ends, each call once when its answer has ended ({@link CallRecord}, built here from the call's
 * {@link CallContext}, with what every attempt's usage cost, as each attempt was priced when it ended). A
 * failing listener is logged and skipped: recording never fails a call.
 */
public final class CallRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(CallRecorder.class);

    private final List<CallListener> listeners = new CopyOnWriteArrayList<>();
    /** Prices what a cache hit saved; null where nothing is priced (unit tests of single parts). */
    private final Prices prices;

    public CallRecorder(Prices prices) {
        this.prices = prices;
    }

    /** A recorder nobody listens to yet (unit tests of single parts). */
    public static CallRecorder detached() {
        return new CallRecorder(null);
    }

    public CallRecorder subscribe(CallListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * One provider attempt ended ({@link CallContext.Attempt#ended} was called).
     *
     * @param genAiProvider the GenAI system the attempt's codec speaks ({@code aws.bedrock}, ...)
     * @param answer        the whole answer when there was one, for the model the provider says answered
     */
    public void attemptEnded(CallContext.Attempt attempt, String genAiProvider, String requestModel, boolean stream,
                             ChatResponse answer, long firstChunkAt) {
        if (listeners.isEmpty()) {
            return;
        }
        String responseModel = answer == null ? null : answer.modelIfParsed();
        AttemptRecord record = new AttemptRecord(attempt.provider(), genAiProvider, requestModel,
                responseModel == null ? requestModel : responseModel, stream, attempt.durationNanos(),
                firstChunkAt > attempt.startedAtNanos() ? firstChunkAt - attempt.startedAtNanos() : -1,
                attempt.usage(), attempt.costUsd(), attempt.error());
        tell("an attempt", listener -> listener.onAttempt(record));
    }

    /**
     * The call's answer has ended: the call as the client met it, told once.
     *
     * @param status the HTTP status the client got; 0 when it got none (it went away first)
     */
    public CallRecord callEnded(CallContext call, String route, String tenant, String keyId, String requestedModel, boolean stream,
                                int status, GatewayException error) {
        return callEnded(call, route, tenant, keyId, requestedModel, stream, status, error, null);
    }

    /**
     * The call's answer has ended: the call as the client met it, told once.
     *
     * @param status the HTTP status the client got; 0 when it got none (it went away first)
     * @param cache  what the response cache did for it, or null when the route has no cache step
     */
    public CallRecord callEnded(CallContext call, String route, String tenant, String keyId, String requestedModel, boolean stream,
                                int status, GatewayException error, CacheOutcome cache) {
        List<CallContext.Attempt> attempts = call.attempts();
        String[] attempted = new String[attempts.size()];
        for (int i = 0; i < attempted.length; i++) {
            attempted[i] = attempts.get(i).toString();
        }
        Usage paid = call.paidUsage();
        long firstChunkAt = call.firstChunkAt();
        CallRecord record = new CallRecord(call.requestId(), call.receivedAtMillis(), call.endpoint(), route, tenant, keyId,
                requestedModel, call.provider(), call.model(), List.of(attempted), stream,
                // 499: the client closed the connection before any answer (nginx's convention)
                status == 0 ? 499 : status,
                error == null ? null : (error.code() != null ? error.code() : error.type()),
                error == null ? null : error.getMessage(),
                System.nanoTime() - call.receivedAtNanos(), firstChunkAt == 0 ? -1 : firstChunkAt - call.receivedAtNanos(),
                call.overheadNanos(), paid, paid != null && paid.estimated(), call.paidCostUsd(), cache,
                // a hit's answer priced as when it was produced: what the provider call it replaced would have cost
                cache != null && cache.hit() && cache.usage() != null && prices != null
                        ? prices.cost(cache.provider(), cache.model(), cache.usage()) : BigDecimal.ZERO);
        tell("a call", listener -> listener.onCall(record));
        return record;
    }

    public void onRejection(String reason, String tenant) {
        tell("a rejection", listener -> listener.onRejection(reason, tenant));
    }

    public void onMirror(MirrorOutcome outcome) {
        tell("a mirror outcome", listener -> listener.onMirror(outcome));
    }

    /** A shared-cache operation ({@code get}, {@code put}) failed and the embedded cache served it. */
    public void onCacheFallback(String operation) {
        tell("a cache fallback", listener -> listener.onCacheFallback(operation));
    }

    public void onGuardrail(GuardrailOutcome outcome, String route) {
        tell("a guardrail outcome", listener -> listener.onGuardrail(outcome, route));
    }

    public void onGuardrailSkipped(String guardrail, String reason) {
        tell("a skipped guardrail check", listener -> listener.onGuardrailSkipped(guardrail, reason));
    }

    private void tell(String what, Consumer<CallListener> event) {
        for (CallListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Call listener {} failed on {}", listener, what, e);
            }
        }
    }
}
