package caravan.guardrails;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ClientStream;
import caravan.api.ForwardingClientStream;
import caravan.api.GatewayException;
import caravan.api.GuardrailOutcome.Outcome;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.Variables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * The post stage of a streamed answer, run as the chunks pass. Guardrails that scan text
 * ({@link Guardrail#scanner()}) check each choice's text as it arrives, holding back only as much as their
 * longest match can span ({@link HeldText}): redacted text goes out redacted, a block ends the stream with
 * an error event (or, before the first byte, fails the attempt so a fallback route can move on). Guardrails
 * that need the whole answer (its schema, a refusal, its size) judge it when the stream ends, before its end
 * reaches the client; one that calls out (an evaluator, a moderation endpoint) cannot hold the end and
 * records only. The answer's placeholders of a reversible redaction are restored on the way.
 *
 * <p>While it has work, every chunk is sent as the gateway's own canonical chunk: the provider's bytes no
 * longer say what the client gets. With no post guardrail and nothing to restore, chunks pass untouched.
 */
final class StreamGuard extends ForwardingClientStream {

    private final Exchange exchange;
    private final List<HeldText.Scan> scans = new ArrayList<>();
    private final List<GuardrailStep> wholeAnswer = new ArrayList<>();
    private final List<GuardrailStep> recordOnly = new ArrayList<>();
    private final GuardrailRecording recording;
    private final StageRuns runs;
    private final int holdBack;
    private final Map<Integer, HeldText> held = new HashMap<>();
    private final Map<Integer, StringBuilder> answer = new TreeMap<>();
    private final Map<Integer, Map<Integer, ObjectNode>> toolCalls = new TreeMap<>();
    private final Map<Integer, String> finishReasons = new HashMap<>();
    private final Map<HeldText.Scan, GuardrailRecording.Started> started = new HashMap<>();
    private Boolean active;
    private boolean ended;
    private ObjectNode lastChunk;

    /** Runs the whole-answer checks when the stream ends. */
    interface StageRuns {
        CompletableFuture<Void> run(Exchange exchange, List<GuardrailStep> steps, Check check);
    }

    StreamGuard(ClientStream next, Exchange exchange, List<GuardrailStep> postSteps, GuardrailRecording recording,
                StageRuns runs) {
        super(next);
        this.exchange = exchange;
        this.recording = recording;
        this.runs = runs;
        int span = RedactionVault.MAX_PLACEHOLDER;
        for (GuardrailStep step : postSteps) {
            if (step.guardrail().scanner() != null && step.mode() == Mode.SYNC) {
                scans.add(new HeldText.Scan(step));
                span = Math.max(span, step.guardrail().scanner().maxSpan());
            } else if (step.guardrail().computes() && step.mode() == Mode.SYNC) {
                wholeAnswer.add(step);
            } else {
                recordOnly.add(step);
            }
        }
        this.holdBack = span;
    }

    /** Whether the stream is changed at all: decided at the first chunk, when the pre stage has filled the vault. */
    private boolean active() {
        if (active == null) {
            RedactionVault vault = vault();
            active = !scans.isEmpty() || !wholeAnswer.isEmpty() || !recordOnly.isEmpty() || vault != null && !vault.isEmpty();
            if (active) {
                // sampled once per stream: a guardrail checks all of a sampled answer or none of it
                scans.removeIf(scan -> !scan.step.sampled());
                for (HeldText.Scan scan : scans) {
                    started.put(scan, recording.start(exchange, scan.step));
                }
            }
        }
        return active;
    }

    private RedactionVault vault() {
        return exchange.getVariable(Variables.REDACTIONS, RedactionVault.class);
    }

    @Override
    public void sendChunk(ChatChunk chunk) {
        if (!active()) {
            super.sendChunk(chunk);
            return;
        }
        if (ended || !chunk.canonical()) {
            // a provider's bare event (an Anthropic ping): the client's encoder writes its own events from here on
            return;
        }
        ObjectNode json = chunk.json().deepCopy();
        lastChunk = json;
        for (JsonNode choice : json.path("choices")) {
            int index = choice.path("index").asInt(0);
            JsonNode delta = choice.path("delta");
            String finish = choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : null;
            if (finish != null) {
                finishReasons.put(index, finish);
            }
            if (delta instanceof ObjectNode deltaObject) {
                String text = delta.path("content").isTextual() ? delta.get("content").asText() : null;
                if (text != null) {
                    collect(index, text);
                }
                collectToolCalls(index, delta.path("tool_calls"));
                String released = release(index, text, finish != null);
                if (released != null) {
                    deltaObject.put("content", released);
                }
            }
        }
        super.sendChunk(ChatChunk.of(json, chunk.usage()));
    }

    /** Passes {@code text} through the choice's held text; null when there is nothing to say about the content. */
    private String release(int index, String text, boolean last) {
        HeldText window = held.computeIfAbsent(index, i -> new HeldText(holdBack));
        if (text != null) {
            window.append(text);
        }
        if (text == null && !last) {
            return null;
        }
        try {
            return window.release(scans, vault(), last);
        } catch (HeldText.StreamBlocked blocked) {
            throw block(blocked);
        }
    }

    private GatewayException block(HeldText.StreamBlocked blocked) {
        ended = true;
        GuardrailStep step = blocked.scan.step;
        GuardrailRecording.Started check = started.remove(blocked.scan);
        if (check == null) {
            check = recording.start(exchange, step);
        }
        check.end(Outcome.BLOCKED, 1, false);
        GatewayException error = GuardrailErrors.blocked(step.name(), Stage.POST,
                "the answer contains " + blocked.reason + ".");
        if (next.committed()) {
            next.failStream(error);
        }
        // thrown to the provider call, which stops the upstream; before the first byte a fallback may still help
        return error;
    }

    private void collect(int index, String text) {
        if (!wholeAnswer.isEmpty() || !recordOnly.isEmpty()) {
            answer.computeIfAbsent(index, i -> new StringBuilder()).append(text);
        }
    }

    private void collectToolCalls(int index, JsonNode calls) {
        if (wholeAnswer.isEmpty() && recordOnly.isEmpty() || !calls.isArray()) {
            return;
        }
        Map<Integer, ObjectNode> byIndex = toolCalls.computeIfAbsent(index, i -> new TreeMap<>());
        for (JsonNode call : calls) {
            ObjectNode assembled = byIndex.computeIfAbsent(call.path("index").asInt(0), i -> {
                ObjectNode fresh = Json.MAPPER.createObjectNode();
                fresh.put("type", "function");
                fresh.putObject("function").put("name", "").put("arguments", "");
                return fresh;
            });
            if (call.hasNonNull("id")) {
                assembled.put("id", call.get("id").asText());
            }
            JsonNode function = call.path("function");
            ObjectNode into = (ObjectNode) assembled.get("function");
            if (function.path("name").isTextual()) {
                into.put("name", into.get("name").asText() + function.get("name").asText());
            }
            if (function.path("arguments").isTextual()) {
                into.put("arguments", into.get("arguments").asText() + function.get("arguments").asText());
            }
        }
    }

    @Override
    public void completeStream(Usage usage) {
        if (!active()) {
            super.completeStream(usage);
            return;
        }
        if (ended) {
            return;
        }
        try {
            flush();
        } catch (GatewayException blocked) {
            // the upstream has ended already: the error event is the end
            exchange.setException(blocked);
            return;
        }
        for (Map.Entry<HeldText.Scan, GuardrailRecording.Started> check : started.entrySet()) {
            HeldText.Scan scan = check.getKey();
            check.getValue().end(scan.redacted ? Outcome.REDACTED : scan.flagged ? Outcome.WARNED : Outcome.PASSED,
                    scan.flagged ? 1 : 0, false);
        }
        started.clear();
        if (wholeAnswer.isEmpty() && recordOnly.isEmpty()) {
            super.completeStream(usage);
            return;
        }
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        ChatResponse whole = assembled(usage);
        Check check = new Check(Stage.POST, AnswerTexts.of(whole), request, whole, exchange);
        List<GuardrailStep> steps = new ArrayList<>(wholeAnswer);
        recordOnly.forEach(step -> steps.add(step.beside()));
        CompletableFuture<Void> judged = runs.run(exchange, steps, check);
        // every check that can stop the end computes, so the run is over here; the rest only record
        Throwable failure = judged.isCompletedExceptionally() ? failureOf(judged) : null;
        if (failure instanceof GatewayException error) {
            ended = true;
            if (next.committed()) {
                next.failStream(error);
            }
            exchange.setException(error);
            return;
        }
        super.completeStream(usage);
    }

    private static Throwable failureOf(CompletableFuture<Void> judged) {
        try {
            judged.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** The text still held back, sent before the end (a stream that ended without a finish reason has some). */
    private void flush() {
        for (Map.Entry<Integer, HeldText> window : held.entrySet()) {
            if (window.getValue().isEmpty()) {
                continue;
            }
            String rest;
            try {
                rest = window.getValue().release(scans, vault(), true);
            } catch (HeldText.StreamBlocked blocked) {
                throw block(blocked);
            }
            if (!rest.isEmpty() && lastChunk != null) {
                ObjectNode delta = Json.MAPPER.createObjectNode().put("content", rest);
                super.sendChunk(ChatChunk.ofDelta(ChatChunk.skeleton(lastChunk.path("id").asText(""),
                        lastChunk.path("created").asLong(0), lastChunk.path("model").asText("")), window.getKey(), delta, null));
            }
        }
    }

    /** The streamed answer put together as a whole {@code chat.completion}, for the checks that need all of it. */
    private ChatResponse assembled(Usage usage) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("object", "chat.completion");
        ArrayNode choices = json.putArray("choices");
        Set<Integer> indexes = new TreeSet<>(answer.keySet());
        indexes.addAll(toolCalls.keySet());
        if (indexes.isEmpty()) {
            indexes.add(0);
        }
        for (int index : indexes) {
            ObjectNode choice = choices.addObject();
            choice.put("index", index);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            StringBuilder text = answer.get(index);
            if (text != null) {
                message.put("content", text.toString());
            } else {
                message.putNull("content");
            }
            Map<Integer, ObjectNode> calls = toolCalls.get(index);
            if (calls != null && !calls.isEmpty()) {
                ArrayNode array = message.putArray("tool_calls");
                calls.values().forEach(array::add);
            }
            choice.put("finish_reason", finishReasons.getOrDefault(index, "stop"));
        }
        return ChatResponse.of(json, usage);
    }

    @Override
    public void failStream(GatewayException error) {
        ended = true;
        super.failStream(error);
    }

    @Override
    public void newAttempt() {
        // nothing of a failed attempt reached the client: the next one starts from nothing
        held.clear();
        answer.clear();
        toolCalls.clear();
        finishReasons.clear();
        lastChunk = null;
        ended = false;
        for (HeldText.Scan scan : scans) {
            scan.flagged = false;
            scan.redacted = false;
        }
        super.newAttempt();
    }
}
