package caravan.providers;

import caravan.api.ProviderAccount;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tenant's account in place of the gateway's settings: its key always, its base URL when it names one. */
class UpstreamSettingsTest {

    private static final UpstreamSettings GATEWAY = new UpstreamSettings("openai", "https://api.openai.com/v1", "sk-gateway");

    @Test
    void aFullAccountReplacesTheKeyAndTheBaseUrl() {
        UpstreamSettings own = GATEWAY.forTenant("acme", new ProviderAccount("sk-acme", "https://proxy.acme.example/v1/"));

        assertThat(own).isEqualTo(new UpstreamSettings("openai", "https://proxy.acme.example/v1", "sk-acme", "acme"));
        assertThat(own.tenantAccount()).isTrue();
        assertThat(GATEWAY.tenantAccount()).isFalse();
    }

    @Test
    void aKeyWithoutABaseUrlGoesToTheGatewaysBaseUrl() {
        assertThat(GATEWAY.forTenant("acme", new ProviderAccount("sk-acme", " ")))
                .isEqualTo(new UpstreamSettings("openai", "https://api.openai.com/v1", "sk-acme", "acme"));
    }

    @Test
    void theGatewaysKeyNeverGoesToATenantsBaseUrl() {
        UpstreamSettings own = GATEWAY.forTenant("acme", new ProviderAccount(null, "http://llm.acme.internal/v1"));

        assertThat(own.baseUrl()).isEqualTo("http://llm.acme.internal/v1");
        assertThat(own.hasApiKey()).isFalse();
    }

    @Test
    void anAccountBelongsToANamedTenantAndNeverShowsItsKey() {
        assertThatThrownBy(() -> GATEWAY.forTenant(null, new ProviderAccount("sk-acme", null)))
                .isInstanceOf(NullPointerException.class);
        assertThat(GATEWAY.forTenant("acme", new ProviderAccount("sk-acme-secret", null)).toString())
                .contains("tenant=acme").doesNotContain("sk-acme-secret");
    }
}
