package caravan.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import caravan.api.GatewayException;
import caravan.api.GuardrailOutcome.Outcome;
import caravan.api.OnLoop;
import caravan.api.Variables;
import io.vertx.core.Context;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage's guardrails over one call, in order, each seeing the texts as the ones before it left
 * them, and applies each configured action: a flagged check blocks (the run fails with the guardrail's error
 * and no later check runs), warns, or redacts; a check in async mode starts and is not waited for. A check
 * that completes later (an evaluator's call) resumes the run on the call's own event loop.
 *
 * <p>Checks of large texts run on the guardrails' worker pool instead of the event loop; when the pool is
 * full they run where they are, which is slower for this call but never skips a check.
 */
final class StageRun {

    private static final Logger LOG = LoggerFactory.getLogger(StageRun.class);
    /** Texts longer than this (all together) are checked on a worker: about 0.1 ms of scanning, the loop's fair share. */
    static final long INLINE_CHARS = 32 * 1024;

    private final Exchange exchange;
    private final List<GuardrailStep> steps;
    private final Check check;
    private final GuardrailRecording recording;
    private final Executor workers;
    private final Context loop = OnLoop.current();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int index;

    StageRun(Exchange exchange, List<GuardrailStep> steps, Check check, GuardrailRecording recording, Executor workers) {
        this.exchange = exchange;
        this.steps = steps;
        this.check = check;
        this.recording = recording;
        this.workers = workers;
    }

    /** Completes when every sync check passed (or redacted, or warned); fails with the error of the first that stopped the call. */
    CompletableFuture<Void> start() {
        next();
        return done;
    }

    private void next() {
        while (index < steps.size()) {
            GuardrailStep step = steps.get(index++);
            if (!step.sampled()) {
                continue;
            }
            GuardrailRecording.Started started = recording.start(exchange, step);
            if (step.mode() == Mode.ASYNC) {
                beside(step, started);
                continue;
            }
            CompletableFuture<Verdict> verdict = judge(step, check);
            if (verdict.isDone()) {
                if (!conclude(step, started, verdict)) {
                    return;
                }
                continue;
            }
            verdict.whenComplete((v, e) -> onLoop(() -> {
                if (conclude(step, started, verdict)) {
                    next();
                }
            }));
            return;
        }
        done.complete(null);
    }

    /** The check, on a worker when it computes over large texts. */
    private CompletableFuture<Verdict> judge(GuardrailStep step, Check on) {
        Guardrail guardrail = step.guardrail();
        if (workers != null && guardrail.computes() && on.texts().chars() > INLINE_CHARS) {
            try {
                return CompletableFuture.supplyAsync(() -> guardrail.check(on).toCompletableFuture().join(), workers);
            } catch (RejectedExecutionException full) {
                // the pool is saturated: this call pays with loop time rather than skipping its check
            }
        }
        try {
            return guardrail.check(on).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Applies the step's action to its verdict; false when the run ended (a block, or a fault). */
    private boolean conclude(GuardrailStep step, GuardrailRecording.Started started, CompletableFuture<Verdict> result) {
        Verdict verdict;
        try {
            verdict = result.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.error("Guardrail '{}' failed to check request {}", step.name(), exchange.getExchangeId(), cause);
            started.end(Outcome.ERROR, Double.NaN, false);
            done.completeExceptionally(GatewayException.internal("Guardrail '" + step.name() + "' could not check the "
                    + "request.", null));
            return false;
        }
        if (verdict.unavailable()) {
            if (verdict.failOpen()) {
                started.end(Outcome.ERROR, Double.NaN, false);
                return true;
            }
            return stop(step, started, verdict, what() + " could not be checked: " + verdict.reason() + ".");
        }
        if (!step.flags(verdict)) {
            started.end(Outcome.PASSED, verdict.score(), false);
            return true;
        }
        switch (step.action()) {
            case WARN -> {
                started.end(Outcome.WARNED, verdict.score(), false);
                return true;
            }
            case REDACT -> {
                if (verdict.redactable()) {
                    redact(step, verdict);
                    started.end(Outcome.REDACTED, verdict.score(), false);
                    return true;
                }
                // the guardrail flagged something it cannot say how to replace: refusing is the only safe way
                return stop(step, started, verdict, found(step, verdict));
            }
            default -> {
                return stop(step, started, verdict, found(step, verdict));
            }
        }
    }

    /**
     * What the error says was found: a guardrail that judges an answer's usability words it whole ("the answer
     * does not match ..."); the others name what they found ("the request contains 1 credit card number.").
     */
    private String found(GuardrailStep step, Verdict verdict) {
        if (step.guardrail().judgesUsability() && verdict.reason() != null) {
            return verdict.reason();
        }
        return what() + " contains " + (verdict.reason() == null ? "what the guardrail looks for" : verdict.reason()) + ".";
    }

    private String what() {
        return check.stage() == Stage.PRE ? "the request" : "the answer";
    }

    private boolean stop(GuardrailStep step, GuardrailRecording.Started started, Verdict verdict, String message) {
        if (step.guardrail().judgesUsability()) {
            started.end(Outcome.FAILED, verdict.score(), false);
            done.completeExceptionally(GuardrailErrors.failed(step.name(), message));
        } else {
            started.end(Outcome.BLOCKED, verdict.score(), false);
            done.completeExceptionally(GuardrailErrors.blocked(step.name(), step.stage(), message));
        }
        return false;
    }

    private void redact(GuardrailStep step, Verdict verdict) {
        Texts texts = check.texts();
        RedactionVault vault = step.guardrail().reversible() ? vault() : null;
        List<List<Finding>> bySlot = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            bySlot.add(null);
        }
        for (Finding finding : verdict.findings()) {
            List<Finding> slot = bySlot.get(finding.slot());
            if (slot == null) {
                slot = new ArrayList<>(2);
                bySlot.set(finding.slot(), slot);
            }
            slot.add(finding);
        }
        for (int i = 0; i < texts.size(); i++) {
            if (bySlot.get(i) != null) {
                texts.replace(i, Redactor.redact(texts.get(i).text(), bySlot.get(i), vault));
            }
        }
        verdict.replacements().forEach(texts::replace);
    }

    private RedactionVault vault() {
        RedactionVault vault = exchange.getVariable(Variables.REDACTIONS, RedactionVault.class);
        if (vault == null) {
            vault = new RedactionVault();
            exchange.setVariable(Variables.REDACTIONS, vault);
        }
        return vault;
    }

    /** A check in async mode: started now on what the texts are now, recorded when it ends, never waited for. */
    private void beside(GuardrailStep step, GuardrailRecording.Started started) {
        Check snapshot = new Check(check.stage(), check.texts().snapshot(), check.request(), check.response(), exchange);
        CompletableFuture<Verdict> verdict;
        Guardrail guardrail = step.guardrail();
        if (guardrail.computes() && workers != null) {
            try {
                verdict = CompletableFuture.supplyAsync(() -> guardrail.check(snapshot).toCompletableFuture().join(), workers);
            } catch (RejectedExecutionException full) {
                // a record-only check is what gives way when the pool is saturated
                started.end(Outcome.ERROR, Double.NaN, true);
                return;
            }
        } else {
            verdict = judge(step, snapshot);
        }
        verdict.whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("Guardrail '{}' (async) failed: {}", step.name(), e.toString());
                started.end(Outcome.ERROR, Double.NaN, true);
            } else if (v.unavailable()) {
                started.end(Outcome.ERROR, Double.NaN, true);
            } else {
                started.end(step.flags(v) ? Outcome.WARNED : Outcome.PASSED, v.score(), true);
            }
        });
    }

    private void onLoop(Runnable task) {
        OnLoop.run(loop, task);
    }
}
