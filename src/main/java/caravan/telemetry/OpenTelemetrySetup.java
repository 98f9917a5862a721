package caravan.telemetry;

import java.util.Map;
import java.util.function.Function;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * The OpenTelemetry SDK the standard way: every {@code OTEL_*} variable (endpoint, headers, sampler,
 * resource attributes, service name) means what it means for any OpenTelemetry SDK. Traces only: metrics
 * are Prometheus's (GET /metrics) and logs stay in the log. OTLP over HTTP/protobuf only: the JDK's HTTP
 * client sends it, so no gRPC stack (or OkHttp and Kotlin) ships in the jar.
 */
public final class OpenTelemetrySetup {

    private OpenTelemetrySetup() {
    }

    /**
     * Whether traces should be exported: {@code mode} true/false decides; {@code auto} exports when an OTLP
     * endpoint or a traces exporter is configured and the SDK is not disabled.
     */
    public static boolean tracingWanted(String mode, Function<String, String> environment) {
        if ("true".equalsIgnoreCase(mode) || "false".equalsIgnoreCase(mode)) {
            return Boolean.parseBoolean(mode);
        }
        if ("true".equalsIgnoreCase(environment.apply("OTEL_SDK_DISABLED"))) {
            return false;
        }
        String exporter = environment.apply("OTEL_TRACES_EXPORTER");
        if (exporter != null && !exporter.isBlank()) {
            return !"none".equalsIgnoreCase(exporter.trim());
        }
        return present(environment.apply("OTEL_EXPORTER_OTLP_ENDPOINT"))
                || present(environment.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }

    public static OpenTelemetrySdk fromEnvironment() {
        return AutoConfiguredOpenTelemetrySdk.builder()
                // defaults only: OTEL_* variables and system properties win
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "caravan",
                        // the protocol the spec names as the default (the Java SDK's own default is gRPC,
                        // whose sender the gateway does not carry)
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .build()
                .getOpenTelemetrySdk();
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
