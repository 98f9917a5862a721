package caravan.routing;

import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.CallContext;
import caravan.api.Usage;
import caravan.api.Variables;
import caravan.telemetry.CallRecorder;
import caravan.telemetry.MirrorOutcome;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one mirrored call on the wire-tapped copy of an exchange: the same request, not streamed, to the
 * candidate, with a reply that writes nowhere; then, once both the primary's answer and the candidate's
 * are known, records the comparison. Nothing it does can reach or slow the primary's client.
 */
final class MirrorProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorProducer.class);

    private final Target candidate;
    private final ModelComponent models;
    private final CallRecorder recorder;
    private final long timeoutMillis;

    MirrorProducer(Endpoint endpoint, Target candidate, ModelComponent models, CallRecorder recorder, long timeoutMillis) {
        super(endpoint);
        this.candidate = candidate;
        this.models = models;
        this.recorder = recorder;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public boolean process(Exchange tap, AsyncCallback callback) {
        String route = tap.getVariable(Variables.ROUTE, String.class);
        String tenant = tap.getVariable(Variables.TENANT, String.class);
        CompletableFuture<String> primaryAnswer = new CompletableFuture<>();
        try {
            CallContext primary = tap.getVariable(Variables.CALL, CallContext.class);
            primary.onAnswered(primaryAnswer::complete);
            AsyncProducer providerRoute = models.providerRoute(candidate.provider());
            if (providerRoute == null) {
                throw new IllegalStateException("no route serves provider " + candidate.provider());
            }
            ChatRequest request = tap.getVariable(Variables.REQUEST, ChatRequest.class);
            ObjectNode copy = request.json().deepCopy();
            copy.put("stream", false);
            copy.remove("stream_options");
            tap.setVariable(Variables.REQUEST, request.withBody(copy));
            // the copy's own call: its own deadline and attempts; no client to stream to, no headers to add, and
            // none of the primary's accounting (its admission and the budget it reserved, its pending cache entry)
            tap.setVariable(Variables.CALL, new CallContext("mirror", null, timeoutMillis));
            tap.removeVariable(Variables.CLIENT);
            tap.removeVariable(Variables.RESPONSE_HEADERS);
            tap.removeVariable(Variables.ADMISSION);
            tap.removeVariable(Variables.CACHE_PENDING);
            tap.setVariable(Variables.PROVIDER, candidate.provider());
            tap.setVariable(Variables.UPSTREAM_MODEL, candidate.model());
            tap.removeVariable(Variables.RESPONSE);
            long started = System.nanoTime();
            providerRoute.process(tap, doneSync -> {
                double latencyMs = (System.nanoTime() - started) / 1e6;
                Exception failure = tap.getException();
                ChatResponse answer = tap.getVariable(Variables.RESPONSE, ChatResponse.class);
                tap.setException(null);
                Usage used = tap.getVariable(Variables.USAGE, Usage.class);
                primaryAnswer.thenAccept(primaryText -> record(route, tenant, failure, answer, used, latencyMs, primaryText));
                callback.done(false);
            });
            return false;
        } catch (Exception e) {
            LOG.debug("Mirror of route {} to {} failed to start", route, candidate, e);
            recorder.onMirror(new MirrorOutcome(route, tenant, candidate.toString(), false, e.getMessage(), 0, null, null, null));
            callback.done(true);
            return true;
        }
    }

    /** The mirror was paid for like any call: its usage and cost are recorded, failed or not. */
    private void record(String route, String tenant, Exception failure, ChatResponse answer, Usage used, double latencyMs,
                        String primaryText) {
        Usage usage = answer != null && answer.usage() != null ? answer.usage() : used;
        Double cost = usage == null ? null : price(usage);
        if (failure != null || answer == null) {
            recorder.onMirror(new MirrorOutcome(route, tenant, candidate.toString(), false,
                    failure == null ? "no answer" : failure.getMessage(), latencyMs, usage, cost, null));
            return;
        }
        String text = answer.answerText();
        recorder.onMirror(new MirrorOutcome(route, tenant, candidate.toString(), true, null, latencyMs, usage, cost,
                primaryText == null ? null : Divergence.between(primaryText, text)));
    }

    private Double price(Usage usage) {
        BigDecimal cost = models.prices().cost(candidate.provider(), candidate.model(), usage);
        return cost == null ? null : cost.doubleValue();
    }
}
