package caravan;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import caravan.embedding.EmbeddingPool;
import caravan.guardrails.CallerGuardrails;
import caravan.guardrails.GuardrailChecks;
import caravan.guardrails.GuardrailFactory;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.GuardrailStep;
import caravan.guardrails.GuardrailsBeans;
import caravan.guardrails.injection.InjectionClassifier;
import caravan.guardrails.injection.InjectionClassifierScorer;

import caravan.processors.PostGuardrails;
import caravan.processors.PreGuardrails;
import caravan.processors.RestoreRedactions;
import caravan.telemetry.CallRecorder;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the guardrails (README "Guardrails"): the factory the {@code guardrail:} endpoints and the admin API
 * make guardrails with, the default set from {@code gateway.guardrails} ({@code GATEWAY_GUARDRAILS}, a
 * {@code name:action[:stage]} list, checked at start: a wrong entry stops the gateway, naming it), the
 * {@code preGuardrails}, {@code postGuardrails} and {@code restoreRedactions} steps, the worker pool that checks of large texts
 * move to, and the injection classifier (one for the gateway, on the shared embedding pool). Runs after
 * {@link TelemetryConfiguration} (the call recorder) and {@link EmbeddingConfiguration}, and before
 * {@link GovernanceConfiguration}, whose admin API checks keys' and tenants' guardrails with the factory.
 */
public final class GuardrailsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GuardrailsConfiguration.class);
    /** Checks waiting for a worker beyond this run where they are: the call pays with its loop's time, nothing is skipped. */
    private static final int QUEUED_CHECKS = 256;

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        CallRecorder recorder = registry.lookupByNameAndType("callRecorder", CallRecorder.class);
        if (recorder == null) {
            recorder = CallRecorder.detached();
        }
        ThreadPoolExecutor workers = workers();
        context.addService(new Workers(workers), true, true);
        EmbeddingPool embeddings = registry.lookupByNameAndType(EmbeddingConfiguration.BEAN, EmbeddingPool.class);
        // without the embedding configuration (an older list of configuration classes) injection runs on its rules
        GuardrailFactory factory = new GuardrailFactory(new GuardrailServices(context, workers, embeddings == null ? null
                : new InjectionClassifierScorer(embeddings, InjectionClassifier::load, recorder)));
        String configured = context.getPropertiesComponent().resolveProperty("gateway.guardrails").orElse("");
        List<GuardrailStep> defaults;
        try {
            defaults = factory.parseList(configured);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GATEWAY_GUARDRAILS: " + e.getMessage(), e);
        }
        if (!defaults.isEmpty()) {
            LOG.info("Guardrails on every call whose route names none: {}", defaults);
        }
        GuardrailChecks checks = new GuardrailChecks(defaults, new CallerGuardrails(factory), recorder, workers);
        registry.bind(GuardrailsBeans.FACTORY, factory);
        registry.bind(GuardrailsBeans.CHECKS, checks);
        registry.bind("preGuardrails", new PreGuardrails(checks));
        registry.bind("postGuardrails", new PostGuardrails(checks));
        registry.bind("restoreRedactions", new RestoreRedactions(checks));
    }

    /** As many threads as cores (the checks compute), daemon, a bounded queue; rejected work runs in its caller. */
    private static ThreadPoolExecutor workers() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger number = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED_CHECKS),
                task -> {
                    Thread thread = new Thread(task, "caravan-guardrails-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Stops the worker pool with the gateway. */
    private static final class Workers extends ServiceSupport {
        private final ThreadPoolExecutor pool;

        Workers(ThreadPoolExecutor pool) {
            this.pool = pool;
        }

        @Override
        protected void doStop() {
            pool.shutdownNow();
        }
    }
}
