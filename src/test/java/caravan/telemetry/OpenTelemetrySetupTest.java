package caravan.telemetry;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenTelemetrySetupTest {

    @Test
    void tracesAreExportedWhenAnExporterIsConfigured() {
        assertThat(OpenTelemetrySetup.tracingWanted("auto", Map.<String, String>of()::get)).isFalse();
        assertThat(OpenTelemetrySetup.tracingWanted("auto",
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")::get)).isTrue();
        assertThat(OpenTelemetrySetup.tracingWanted("auto",
                Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")::get)).isTrue();
        assertThat(OpenTelemetrySetup.tracingWanted("auto", Map.of("OTEL_TRACES_EXPORTER", "otlp")::get)).isTrue();
    }

    @Test
    void theSdkSwitchAndTheExplicitSettingWin() {
        assertThat(OpenTelemetrySetup.tracingWanted("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_SDK_DISABLED", "true")::get)).isFalse();
        assertThat(OpenTelemetrySetup.tracingWanted("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_TRACES_EXPORTER", "none")::get)).isFalse();
        assertThat(OpenTelemetrySetup.tracingWanted("false", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")::get))
                .isFalse();
        assertThat(OpenTelemetrySetup.tracingWanted("true", Map.<String, String>of()::get)).isTrue();
    }
}
