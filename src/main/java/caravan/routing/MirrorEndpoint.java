package caravan.routing;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** One candidate model a route's traffic is copied to (behind a {@code wireTap}). */
@UriEndpoint(firstVersion = "0.1.0", scheme = "mirror", title = "Mirror", syntax = "mirror:candidate", producerOnly = true,
             remote = false, category = {Category.AI})
public final class MirrorEndpoint extends DefaultEndpoint {

    @UriPath(description = "The candidate: provider/model, or a bare name the model catalog knows")
    @Metadata(required = true)
    private final String name;
    private final Target candidate;

    MirrorEndpoint(String uri, MirrorComponent component, String name, Target candidate) {
        super(uri, component);
        this.name = name;
        this.candidate = candidate;
    }

    @Override
    public MirrorComponent getComponent() {
        return (MirrorComponent) super.getComponent();
    }

    public String getName() {
        return name;
    }

    Target candidate() {
        return candidate;
    }

    @Override
    public Producer createProducer() {
        return getComponent().producer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        // producer-only, as @UriEndpoint declares: Camel's own answer to a route that starts "from:" one
        throw new UnsupportedOperationException("mirror: endpoints are called, they do not consume");
    }
}
