package caravan.processors;

import caravan.api.Caller;
import caravan.api.GatewayException;
import caravan.api.Variables;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The status and spend pages are for the master key only, once other keys exist. */
class RequireAdminTest {

    private final RequireAdmin step = new RequireAdmin();

    @Test
    void letsTheMasterKeyThrough() {
        assertThatNoException().isThrownBy(() -> step.process(exchange(Caller.DEFAULT)));
    }

    @Test
    void refusesAnyOtherKeyWith403() {
        GatewayException refused = catchThrowableOfType(GatewayException.class,
                () -> step.process(exchange(Caller.ofKey("search-team", "key_1"))));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("admin_only");
    }

    private static Exchange exchange(Caller caller) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(Variables.CALLER, caller);
        return exchange;
    }
}
