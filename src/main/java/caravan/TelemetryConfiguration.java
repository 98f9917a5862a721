package caravan;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;

import caravan.catalog.ModelCatalog;
import caravan.catalog.PolicyRoutes;
import caravan.catalog.ProviderRoutes;
import caravan.processors.ServeDashboardPage;
import caravan.processors.ServeMetrics;
import caravan.telemetry.ContentRedactor;
import caravan.telemetry.GatewayMetrics;
import caravan.telemetry.GatewayTracer;
import caravan.telemetry.LiveStats;
import caravan.telemetry.MetricLabels;
import caravan.telemetry.OpenTelemetrySetup;
import caravan.telemetry.CallRecorder;
import caravan.telemetry.TracingOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telemetry (README: "Observability"): the Prometheus registry that camel-micrometer-prometheus and the
 * gateway's metrics share, the dashboard's live stats, and, when an exporter is configured, the
 * OpenTelemetry tracer. Runs before the routing configuration, which reports into {@code telemetry}.
 */
public final class TelemetryConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryConfiguration.class);
    /** Tests bind their own SDK (in-memory exporter) under this name. */
    static final String OPEN_TELEMETRY_BEAN = "openTelemetry";
    /** Spans only for inbound calls and provider calls: the routes in between are plumbing. */
    static final String UNTRACED = "direct:*,kamelet:*,model:*,mirror:*,platform-http:*metrics*,"
            + "platform-http:*healthz*,platform-http:*readyz*,platform-http:*ui*,platform-http:*caravan*";

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();

        PrometheusMeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        registerCpuUsage(meters);
        MetricLabels labels = new MetricLabels(registry.lookupByNameAndType("modelCatalog", ModelCatalog.class),
                provider -> ProviderRoutes.exists(context, provider), route -> PolicyRoutes.named(context, route) != null);
        registry.bind("metricLabels", labels);
        GatewayMetrics metrics = new GatewayMetrics(meters, labels);
        LiveStats stats = new LiveStats(Clock.systemUTC(), 50, labels);
        boolean counting = Boolean.parseBoolean(properties.resolveProperty("gateway.metrics.enabled").orElse("true"));
        if (!counting) {
            LOG.info("Call metrics are off (GATEWAY_METRICS=false): /metrics shows the JVM only and /ui stays empty");
        }
        // the recorder runs whatever GATEWAY_METRICS says: other listeners (the mirror ledger, the usage
        // ledger) subscribe to it too
        CallRecorder recorder = new CallRecorder(registry.lookupByNameAndType("prices", caravan.catalog.Prices.class));
        registry.bind("callRecorder", recorder);
        if (counting) {
            recorder.subscribe(metrics).subscribe(stats);
            registry.bind("gatewayMetrics", metrics);
        }
        registry.bind("serveMetrics", new ServeMetrics(meters));
        // the dashboard's figures are served by GovernanceConfiguration's step, with the keys' budgets beside them
        registry.bind("liveStats", stats);
        registry.bind("serveDashboardPage", new ServeDashboardPage());

        boolean capture = Boolean.parseBoolean(properties.resolveProperty("gateway.tracing.capture-content").orElse("false"));
        registry.bind(TracingOptions.BEAN, new TracingOptions(capture, new ContentRedactor()));
        startTracing(context, properties.resolveProperty("gateway.tracing.enabled").orElse("auto"));
    }

    /**
     * The two CPU gauges of Micrometer's processor binder, without the binder: its process.cpu.time (in ns,
     * an abbreviated unit) and system.cpu.count (a gauge named like a histogram's count) fail promtool.
     */
    private static void registerCpuUsage(PrometheusMeterRegistry meters) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            Gauge.builder("process.cpu.usage", os, com.sun.management.OperatingSystemMXBean::getProcessCpuLoad)
                    .description("The recent CPU usage of the gateway's JVM (0..1 of all cores)")
                    .register(meters);
            Gauge.builder("system.cpu.usage", os, com.sun.management.OperatingSystemMXBean::getCpuLoad)
                    .description("The recent CPU usage of the whole machine (0..1)")
                    .register(meters);
        }
    }

    private static void startTracing(CamelContext context, String mode) {
        OpenTelemetry openTelemetry = context.getRegistry().lookupByNameAndType(OPEN_TELEMETRY_BEAN, OpenTelemetry.class);
        if (openTelemetry == null) {
            if (!OpenTelemetrySetup.tracingWanted(mode, System::getenv)) {
                LOG.info("Tracing is off: set OTEL_EXPORTER_OTLP_ENDPOINT to export traces (README: \"Observability\")");
                return;
            }
            OpenTelemetrySdk sdk = OpenTelemetrySetup.fromEnvironment();
            openTelemetry = sdk;
            closeOnStop(context, sdk);
        }
        GatewayTracer tracer = new GatewayTracer(openTelemetry);
        tracer.setExcludePatterns(UNTRACED);
        tracer.init(context);
        LOG.info("Tracing is on: one trace per request, exported over OTLP as the OTEL_* variables say");
    }

    /** Flushes the spans still buffered when the gateway stops. */
    private static void closeOnStop(CamelContext context, OpenTelemetrySdk sdk) {
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    sdk.close();
                }
            }, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot manage the OpenTelemetry SDK", e);
        }
    }
}
