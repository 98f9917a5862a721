package caravan.routing;

import java.util.concurrent.CompletableFuture;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Reply;
import caravan.api.Usage;
import caravan.api.Variables;
import caravan.catalog.ModelCatalog;
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
    private final ModelCatalog catalog;
    private final MirrorLedger ledger;
    private final long timeoutMillis;

    MirrorProducer(Endpoint endpoint, Target candidate, ModelComponent models, ModelCatalog catalog, MirrorLedger ledger,
                   long timeoutMillis) {
        super(endpoint);
        this.candidate = candidate;
        this.models = models;
        this.catalog = catalog;
        this.ledger = ledger;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public boolean process(Exchange tap, AsyncCallback callback) {
        String route = tap.getVariable(Variables.ROUTE, String.class);
        CompletableFuture<String> primaryAnswer = new CompletableFuture<>();
        try {
            Reply primary = tap.getVariable(Variables.REPLY, Reply.class);
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
            tap.setVariable(Variables.REPLY, new MirrorReply(timeoutMillis));
            tap.setVariable(Variables.PROVIDER, candidate.provider());
            tap.setVariable(Variables.UPSTREAM_MODEL, candidate.model());
            tap.removeVariable(Variables.RESPONSE);
            long started = System.nanoTime();
            providerRoute.process(tap, doneSync -> {
                double latencyMs = (System.nanoTime() - started) / 1e6;
                Exception failure = tap.getException();
                ChatResponse answer = tap.getVariable(Variables.RESPONSE, ChatResponse.class);
                tap.setException(null);
                primaryAnswer.thenAccept(primaryText -> record(route, failure, answer, latencyMs, primaryText));
                callback.done(false);
            });
            return false;
        } catch (Exception e) {
            LOG.debug("Mirror of route {} to {} failed to start", route, candidate, e);
            ledger.record(new MirrorOutcome(route, candidate.toString(), false, e.getMessage(), 0, 0, 0, null, null));
            callback.done(true);
            return true;
        }
    }

    private void record(String route, Exception failure, ChatResponse answer, double latencyMs, String primaryText) {
        if (failure != null || answer == null) {
            ledger.record(new MirrorOutcome(route, candidate.toString(), false,
                    failure == null ? "no answer" : failure.getMessage(), latencyMs, 0, 0, null, null));
            return;
        }
        Usage usage = answer.usage() == null ? Usage.NONE : answer.usage();
        ModelCatalog.Price price = catalog.price(candidate.provider(), candidate.model());
        String text = answer.answerText();
        ledger.record(new MirrorOutcome(route, candidate.toString(), true, null, latencyMs, usage.inputTokens(),
                usage.outputTokens(), price == null ? null : price.cost(usage.inputTokens(), usage.outputTokens()),
                primaryText == null ? null : Divergence.between(primaryText, text)));
    }
}
