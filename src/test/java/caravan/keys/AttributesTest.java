package caravan.keys;

import java.util.Map;

import caravan.api.Variables;
import caravan.testing.TenantFixture;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key's and a tenant's attributes read in Simple: Simple cannot index a Jackson object
 * ({@code ${variable.virtualKey.metadata[plan]}} fails), so {@code attribute('plan')} reads one as text.
 */
class AttributesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ${variable.virtualKey?.attribute('plan')} == 'paid'                 | true
            ${variable.virtualKey?.attribute('plan')} in 'free,trial'           | false
            ${variable.virtualKey?.attribute('seats')} > 10                     | true
            ${variable.virtualKey?.attribute('limits')} == null                 | true
            ${variable.virtualKey?.attribute('missing')} == null                | true
            ${variable.virtualKey?.team} == 'search'                            | true
            ${variable.tenantProfile?.attribute('tier')} == 'enterprise'        | true
            ${variable.absentKey?.attribute('plan')} == 'paid'                  | false
            """)
    void simpleReadsAnAttributeAsText(String predicate, boolean expected) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.setVariable(Variables.VIRTUAL_KEY, TenantFixture.key("key-1", "acme", "search", null,
                    "{\"plan\":\"paid\",\"seats\":12,\"limits\":{\"rpm\":5}}"));
            exchange.setVariable(Variables.TENANT_PROFILE, TenantFixture.tenant("acme", Map.of(), "{\"tier\":\"enterprise\"}"));

            assertThat(context.resolveLanguage("simple").createPredicate(predicate).matches(exchange)).isEqualTo(expected);
        }
    }
}
