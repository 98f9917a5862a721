package caravan;

import caravan.embedding.EmbeddingPool;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Binds the gateway's one {@link EmbeddingPool} as {@value #BEAN}: the in-process embedding model on
 * {@code gateway.embedding-threads} threads (half the cores by default), shared by the semantic cache and the
 * injection guardrail's classifier so that the two together never run more model work at once than that.
 * Nothing loads here: each feature preloads the model when it is configured. Runs before
 * {@link GuardrailsConfiguration} and {@link CacheConfiguration}, which look the pool up.
 */
public final class EmbeddingConfiguration implements CamelConfiguration {

    public static final String BEAN = "embeddingPool";

    @Override
    public void configure(CamelContext context) throws Exception {
        if (context.getRegistry().lookupByNameAndType(BEAN, EmbeddingPool.class) != null) {
            // one bound before start (a test's, with a model it controls) is the gateway's, and its binder's to close
            return;
        }
        int threads = context.getPropertiesComponent().resolveProperty("gateway.embedding-threads")
                .map(String::trim).filter(value -> !value.isEmpty()).map(Integer::parseInt)
                .orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        if (threads < 1) {
            throw new IllegalArgumentException("gateway.embedding-threads must be at least 1, not " + threads);
        }
        EmbeddingPool pool = new EmbeddingPool(threads, EmbeddingPool::bgeSmall);
        context.getRegistry().bind(BEAN, pool);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                pool.close();
            }
        }, true, true);
    }
}
