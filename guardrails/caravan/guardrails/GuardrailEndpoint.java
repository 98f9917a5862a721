package caravan.guardrails;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import caravan.api.ChatRequest;
import caravan.api.Variables;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One guardrail placed in a route ({@link GuardrailComponent}). Its producer checks the request on the pre
 * stage and the whole answer on the post stage, resuming the route when the check is done (an evaluator's call
 * never blocks a thread). On a streamed answer a post-stage step has nothing left to do: the route's post
 * guardrails were put on the stream before the model was called.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "guardrail", title = "LLM guardrail", syntax = "guardrail:name",
             producerOnly = true, lenientProperties = true, category = {Category.AI})
public final class GuardrailEndpoint extends DefaultEndpoint {

    // the options as tooling reads them; the component hands them, with the guardrail's own settings, to the
    // guardrail factory, which checks every one
    @UriPath(description = "The guardrail: pii, secrets, injection, json_schema, refusal, banned, size, moderation, webhook")
    @Metadata(required = true)
    private final String name;
    @UriParam(description = "What it checks: pre (the request, before the model call) or post (the answer)",
              enums = "pre,post")
    private String stage;
    @UriParam(description = "What it does with what it finds", enums = "block,warn,redact", defaultValue = "block")
    private String action;
    @UriParam(description = "The score (0..1) that flags a call, for a guardrail that scores", defaultValue = "0.5")
    private double threshold;
    @UriParam(description = "The fraction of calls checked (0..1)", defaultValue = "1.0")
    private double sample;
    @UriParam(description = "sync: the call waits for the check; async: the check runs beside it and only records",
              enums = "sync,async", defaultValue = "sync")
    private String mode;
    private final GuardrailStep step;

    GuardrailEndpoint(String uri, GuardrailComponent component, GuardrailStep step) {
        super(uri, component);
        this.step = step;
        this.name = step.name();
        this.stage = step.stage().wireName();
        this.action = step.action().wireName();
        this.threshold = step.threshold();
        this.sample = step.sample();
        this.mode = step.mode().wireName();
    }

    public String getName() {
        return name;
    }

    public String getStage() {
        return stage;
    }

    public String getAction() {
        return action;
    }

    public double getThreshold() {
        return threshold;
    }

    public double getSample() {
        return sample;
    }

    public String getMode() {
        return mode;
    }

    // setters for Camel's generated configurer; the component has already made the guardrail from the same
    // options (it takes every parameter), so these only keep the endpoint's view of them

    public void setStage(String stage) {
        this.stage = stage;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public void setThreshold(double threshold) {
        this.threshold = threshold;
    }

    public void setSample(double sample) {
        this.sample = sample;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    /** The guardrail as the route configured it. */
    public GuardrailStep step() {
        return step;
    }

    @Override
    public boolean isSingletonProducer() {
        return true;
    }

    @Override
    public Producer createProducer() {
        return new DefaultAsyncProducer(this) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                GuardrailChecks checks = exchange.getContext().getRegistry().lookupByNameAndType(GuardrailsBeans.CHECKS,
                        GuardrailChecks.class);
                CompletableFuture<Void> done;
                try {
                    done = checks == null ? CompletableFuture.completedFuture(null)
                            : step.stage() == Stage.PRE ? checks.checkRequest(exchange, List.of(step))
                            : isStream(exchange) ? CompletableFuture.completedFuture(null)
                            : checks.checkAnswer(exchange, List.of(step));
                } catch (RuntimeException e) {
                    exchange.setException(e);
                    callback.done(true);
                    return true;
                }
                return StageCompletion.complete(exchange, callback, done);
            }
        };
    }

    private static boolean isStream(Exchange exchange) {
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        return request != null && request.stream();
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("guardrail: endpoints are steps in a route; they do not consume");
    }
}
