package caravan.routing;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One model to call, and how stubbornly: {@code retries}, {@code moveOn} statuses, request-level fallbacks. */
public final class ModelEndpoint extends DefaultEndpoint {

    private final Target target;
    private int retries;
    private boolean requestFallbacks;
    private Set<Integer> moveOn = Set.of();

    ModelEndpoint(String uri, ModelComponent component, Target target) {
        super(uri, component);
        this.target = target;
    }

    @Override
    public ModelComponent getComponent() {
        return (ModelComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new ModelProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("model: endpoints are called, they do not consume");
    }

    public Target getTarget() {
        return target;
    }

    public int getRetries() {
        return retries;
    }

    /** How many times a retryable failure is retried on this same model before moving on. */
    public void setRetries(int retries) {
        this.retries = retries;
    }

    public boolean isRequestFallbacks() {
        return requestFallbacks;
    }

    /** Also try the request's own {@code "fallbacks"} list, in order, after this model. */
    public void setRequestFallbacks(boolean requestFallbacks) {
        this.requestFallbacks = requestFallbacks;
    }

    public Set<Integer> getMoveOn() {
        return moveOn;
    }

    /** Statuses that move on to the next target although the matrix calls them terminal, e.g. {@code 400,422}. */
    public void setMoveOn(String statuses) {
        this.moveOn = Arrays.stream(statuses.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).collect(Collectors.toUnmodifiableSet());
    }
}
