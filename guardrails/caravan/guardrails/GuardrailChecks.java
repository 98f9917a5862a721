package caravan.guardrails;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ClientStream;
import caravan.api.GuardrailOutcomes;
import caravan.api.Variables;
import caravan.telemetry.CallRecorder;
import org.apache.camel.Exchange;

/**
 * Which guardrails check a call and running them: the one object the {@code preGuardrails} and
 * {@code postGuardrails} steps and the {@code guardrail:} endpoint share. A call is checked by the gateway's
 * default set ({@code GATEWAY_GUARDRAILS}) unless its named route places guardrails of its own, and by the
 * guardrails of the caller's key and of its tenant in any case.
 */
public final class GuardrailChecks {

    private final List<GuardrailStep> defaults;
    private final OwnGuardrails own;
    private final RouteGuardrails routes = new RouteGuardrails();
    private final GuardrailRecording recording;
    private final Executor workers;

    /**
     * @param defaults the default set, every stage
     * @param own      the guardrails a call's key and tenant add
     * @param workers  where checks of large texts run, off the event loop
     */
    public GuardrailChecks(List<GuardrailStep> defaults, OwnGuardrails own, CallRecorder recorder, Executor workers) {
        this.defaults = List.copyOf(defaults);
        this.own = own;
        this.recording = new GuardrailRecording(recorder);
        this.workers = workers;
    }

    public List<GuardrailStep> defaults() {
        return defaults;
    }

    /** The guardrails the edge runs at {@code stage} for this call: the defaults (unless its route has its own), the key's, the tenant's. */
    List<GuardrailStep> atEdge(Exchange exchange, Stage stage) {
        List<GuardrailStep> steps = new ArrayList<>();
        if (routes.of(exchange.getContext(), exchange.getVariable(Variables.ROUTE, String.class)).isEmpty()) {
            add(steps, defaults, stage);
        }
        add(steps, own.of(exchange), stage);
        return steps;
    }

    private static void add(List<GuardrailStep> into, List<GuardrailStep> from, Stage stage) {
        for (GuardrailStep step : from) {
            if (step.stage() == stage) {
                into.add(step);
            }
        }
    }

    /**
     * The pre stage at the edge: checks the request and, when a guardrail redacted it, puts the rewritten
     * request in place, so no provider (and no cache) sees the original text. Also arms a streamed answer's
     * post stage, which must be in place before the provider is called.
     */
    public CompletableFuture<Void> pre(Exchange exchange) {
        // made here, on the call's own exchange: a fallback route tries each model on a copy of it, and the
        // outcomes of every attempt must land in the one list the header and the ledger read
        GuardrailOutcomes.of(exchange);
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        if (request.stream()) {
            guardStream(exchange);
        }
        return checkRequest(exchange, atEdge(exchange, Stage.PRE));
    }

    /** The pre stage of {@code steps} over the call's request (the edge's set, or a route's own step). */
    public CompletableFuture<Void> checkRequest(Exchange exchange, List<GuardrailStep> steps) {
        if (steps.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        Texts texts = RequestTexts.of(request);
        return new StageRun(exchange, steps, new Check(Stage.PRE, texts, request, null, exchange), recording, workers).start()
                .thenRun(() -> {
                    if (texts.changed()) {
                        exchange.setVariable(Variables.REQUEST, RequestTexts.rewrite(request, texts));
                    }
                });
    }

    /**
     * The post stage at the edge, on a whole answer (a stream was checked as it passed): checks it, and rewrites
     * it when redacted. Placeholders stay: {@link #restore} puts the caller's values back, after the cache has
     * kept the answer as checked.
     */
    public CompletableFuture<Void> post(Exchange exchange) {
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        if (request.stream()) {
            return CompletableFuture.completedFuture(null);
        }
        return checkAnswer(exchange, atEdge(exchange, Stage.POST));
    }

    /** The post stage of {@code steps} over the call's whole answer. */
    public CompletableFuture<Void> checkAnswer(Exchange exchange, List<GuardrailStep> steps) {
        ChatResponse response = exchange.getVariable(Variables.RESPONSE, ChatResponse.class);
        if (steps.isEmpty() || response == null) {
            return CompletableFuture.completedFuture(null);
        }
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        Texts texts = AnswerTexts.of(response);
        return new StageRun(exchange, steps, new Check(Stage.POST, texts, request, response, exchange), recording, workers)
                .start().thenRun(() -> {
                    if (texts.changed()) {
                        exchange.setVariable(Variables.RESPONSE, AnswerTexts.rewrite(response, texts));
                    }
                });
    }

    /**
     * Puts the values a reversible redaction replaced back into a whole answer, for this caller only (an answer
     * from the cache carries placeholders, never another caller's values). A stream is restored as it passes.
     */
    public void restore(Exchange exchange) {
        RedactionVault vault = exchange.getVariable(Variables.REDACTIONS, RedactionVault.class);
        ChatResponse response = exchange.getVariable(Variables.RESPONSE, ChatResponse.class);
        if (vault == null || vault.isEmpty() || response == null) {
            return;
        }
        Texts texts = AnswerTexts.of(response);
        for (int i = 0; i < texts.size(); i++) {
            texts.replace(i, vault.restore(texts.get(i).text()));
        }
        if (texts.changed()) {
            exchange.setVariable(Variables.RESPONSE, AnswerTexts.rewrite(response, texts));
        }
    }

    /**
     * Wraps the client stream with the post stage of a streamed answer: the edge's post guardrails and the
     * post guardrails the call's route places (once each), and the restoring of placeholders.
     */
    void guardStream(Exchange exchange) {
        List<GuardrailStep> post = atEdge(exchange, Stage.POST);
        Set<String> seen = new HashSet<>();
        post.forEach(step -> seen.add(step.name()));
        for (GuardrailStep step : routes.of(exchange.getContext(), exchange.getVariable(Variables.ROUTE, String.class))) {
            if (step.stage() == Stage.POST && seen.add(step.name())) {
                post.add(step);
            }
        }
        boolean reversible = false;
        for (GuardrailStep step : atEdge(exchange, Stage.PRE)) {
            reversible |= step.guardrail().reversible();
        }
        for (GuardrailStep step : routes.of(exchange.getContext(), exchange.getVariable(Variables.ROUTE, String.class))) {
            reversible |= step.stage() == Stage.PRE && step.guardrail().reversible();
        }
        if (post.isEmpty() && !reversible) {
            return;
        }
        ClientStream client = exchange.getVariable(Variables.CLIENT, ClientStream.class);
        exchange.setVariable(Variables.CLIENT, new StreamGuard(client, exchange, post, recording,
                (on, steps, check) -> new StageRun(on, steps, check, recording, null).start()));
    }
}
