package caravan.routing;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One model to call, and how stubbornly: {@code retries}, {@code moveOn} statuses. {@code model:requested}
 * is the model a request named directly, read from its {@code provider} and {@code upstreamModel}
 * variables and followed by the request's own {@code fallbacks}: one endpoint for all of them, so what a
 * client writes as a model never becomes endpoint syntax (nor one endpoint per name).
 */
public final class ModelEndpoint extends DefaultEndpoint {

    public static final String REQUESTED = "requested";
    public static final String REQUESTED_URI = "model:" + REQUESTED;

    /** null for {@code model:requested}: the target is the exchange's */
    private final Target target;
    private int retries;
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

    /** The fixed target of a route's {@code model:provider/model}, or null for {@code model:requested}. */
    public Target getTarget() {
        return target;
    }

    public boolean isRequested() {
        return target == null;
    }

    public int getRetries() {
        return retries;
    }

    /** How many times a retryable failure is retried on this same model before moving on. */
    public void setRetries(int retries) {
        this.retries = retries;
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
