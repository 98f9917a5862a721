package caravan;

import java.io.IOException;

import caravan.store.StoreException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one line {@code Caravan failed to start: ...} says, out of whatever Camel wrapped the failure in. */
class StartFailureReasonTest {

    @Test
    void aRefusedSettingIsNamedNotOnlyItsValue() {
        IllegalArgumentException value = new IllegalArgumentException("unknown guardrail 'bogus' (known: pii, secrets)");
        Throwable failure = new RuntimeCamelException(new IllegalArgumentException("GATEWAY_GUARDRAILS: " + value.getMessage(), value));

        assertThat(Caravan.reason(failure)).isEqualTo("GATEWAY_GUARDRAILS: unknown guardrail 'bogus' (known: pii, secrets)");
    }

    @Test
    void theStoresOwnMessageWinsOverItsCauses() {
        Throwable failure = new RuntimeCamelException(new StoreException(
                "Cannot connect to the database (PostgreSQL 127.0.0.1:1/x): Connection refused",
                new IllegalArgumentException("pool initialisation")));

        assertThat(Caravan.reason(failure)).isEqualTo("Cannot connect to the database (PostgreSQL 127.0.0.1:1/x): Connection refused");
    }

    @Test
    void otherwiseTheRootCauseSpeaks() {
        Throwable failure = new RuntimeCamelException("Failed to start", new IllegalStateException("wrapped",
                new IOException("No space left on device")));

        assertThat(Caravan.reason(failure)).isEqualTo("No space left on device");
    }
}
