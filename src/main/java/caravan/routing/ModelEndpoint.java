package caravan.routing;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One model to call, and how persistently: {@code retries}, {@code moveOn} statuses. {@code model:requested}
 * is the model a request named directly, read from its {@code provider} and {@code upstreamModel}
 * variables and followed by the request's own {@code fallbacks}: one endpoint for all of them, so what a
 * client writes as a model never becomes endpoint syntax (nor one endpoint per name).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "model", title = "Model", syntax = "model:target", producerOnly = true,
             remote = false, category = {Category.AI})
public final class ModelEndpoint extends DefaultEndpoint {

    public static final String REQUESTED = "requested";
    public static final String REQUESTED_URI = "model:" + REQUESTED;

    @UriPath(description = "provider/model, a bare name the model catalog knows (gpt-4o-mini), or requested: "
            + "the model in the provider and upstreamModel variables, then the request's own fallbacks")
    @Metadata(required = true)
    private final String name;
    /** null for {@code model:requested}: the target is the exchange's */
    private final Target target;
    @UriParam(description = "How many times a retryable failure (429, 5xx, timeout, broken connection) is retried "
            + "on this model before moving on; defaults to routing.retries")
    private int retries;
    @UriParam(description = "HTTP statuses that move on to the next target although the retry matrix calls them "
            + "terminal, e.g. 400,422", javaType = "java.lang.String")
    private Set<Integer> moveOn = Set.of();

    ModelEndpoint(String uri, ModelComponent component, String name, Target target) {
        super(uri, component);
        this.name = name;
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
        // producer-only, as @UriEndpoint declares: Camel's own answer to a route that starts "from:" one
        throw new UnsupportedOperationException("model: endpoints are called, they do not consume");
    }

    /** The fixed target of a route's {@code model:provider/model}, or null for {@code model:requested}. */
    public String getName() {
        return name;
    }

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
