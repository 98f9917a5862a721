package caravan.routing;

import java.util.Map;

import caravan.api.ChatRequest;
import caravan.api.Variables;
import caravan.testing.TenantFixture;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The match language against one request, with Portkey-style queries. */
class MatchLanguageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = """
            {"model":"gpt-4o","user":"u-42","temperature":0.7,"max_tokens":800,"stream":false,
             "messages":[{"role":"user","content":"hi"}],
             "metadata":{"tier":"standard","tenant":"acme","score":3}}""";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"metadata.tier": "standard"}                                   | true
            {"metadata.tier": "enterprise"}                                 | false
            {"metadata.tier": {"$eq": "standard"}}                          | true
            {"metadata.tier": {"$ne": "standard"}}                          | false
            {"metadata.tier": {"$in": ["free", "standard"]}}                | true
            {"metadata.tier": {"$nin": ["free", "standard"]}}               | false
            {"metadata.tenant": {"$regex": "^ac"}}                          | true
            {"metadata.tenant": {"$regex": "^zz"}}                          | false
            {"params.max_tokens": {"$gt": 500}}                             | true
            {"params.max_tokens": {"$gte": 800}}                            | true
            {"params.max_tokens": {"$lt": 800}}                             | false
            {"params.max_tokens": {"$lte": 800}}                            | true
            {"temperature": {"$gte": 0.5, "$lt": 1}}                        | true
            {"metadata.score": 3.0}                                         | true
            {"metadata.missing": {"$exists": false}}                        | true
            {"metadata.tier": {"$exists": true}}                            | true
            {"metadata.missing": {"$gt": 1}}                                | false
            {"metadata.missing": {"$lt": 1}}                                | false
            {"model": "gpt-4o", "user": "u-42"}                             | true
            {"model": "gpt-4o", "user": "other"}                            | false
            {"$or": [{"metadata.tier": "free"}, {"metadata.tenant": "acme"}]} | true
            {"$and": [{"metadata.tier": "standard"}, {"stream": true}]}      | false
            {"headers.x-team": "search"}                                    | true
            {"headers.x-other": {"$exists": true}}                          | false
            """)
    void evaluates(String query, boolean expected) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) JSON.readTree(REQUEST), null));
        exchange.getMessage().setHeader("x-team", "search");

        assertThat(new MatchLanguage().createPredicate(query).matches(exchange)).isEqualTo(expected);
    }

    /** The request above claims {@code tier: standard} and a request field {@code key}; the key and tenant say otherwise. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"key.id": "key-1"}                                             | true
            {"key.name": "key key-1"}                                       | true
            {"key.team": "search"}                                          | true
            {"key.user": "alice"}                                           | true
            {"key.team": {"$in": ["ads", "search"]}}                        | true
            {"key.team": {"$nin": ["ads", "search"]}}                       | false
            {"key.metadata.tier": "free"}                                   | true
            {"key.metadata.tier": {"$in": ["standard", "enterprise"]}}      | false
            {"key.metadata.limits.seats": {"$gte": 10}}                     | true
            {"key.metadata.limits.region": {"$exists": false}}              | true
            {"key.metadata.missing": {"$exists": false}}                    | true
            {"tenant": "acme"}                                              | true
            {"tenant.id": {"$in": ["acme", "globex"]}}                      | true
            {"tenant.metadata.plan": "enterprise"}                          | true
            {"tenant.metadata.region.name": {"$regex": "^eu-"}}             | true
            {"params.key.tier": "enterprise"}                               | true
            {"key.tier": {"$exists": true}}                                 | error
            {"tenant.plan": "enterprise"}                                   | error
            {"key": {"$exists": true}}                                      | error
            """)
    void evaluatesTheKeysAndTheTenantsAttributesNotTheRequestsClaims(String query, String expected) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) JSON.readTree(
                "{\"model\":\"gpt-4o\",\"messages\":[],\"key\":{\"tier\":\"enterprise\"},\"metadata\":{\"tier\":\"standard\"}}"), null));
        exchange.setVariable(Variables.TENANT, "acme");
        exchange.setVariable(Variables.VIRTUAL_KEY, TenantFixture.key("key-1", "acme", "search", "alice",
                "{\"tier\":\"free\",\"limits\":{\"seats\":12}}"));
        exchange.setVariable(Variables.TENANT_PROFILE, TenantFixture.tenant("acme", Map.of(),
                "{\"plan\":\"enterprise\",\"region\":{\"name\":\"eu-west\"}}"));

        if (expected.equals("error")) {
            assertThatThrownBy(() -> new MatchLanguage().createPredicate(query))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown match path");
        } else {
            assertThat(new MatchLanguage().createPredicate(query).matches(exchange)).isEqualTo(Boolean.parseBoolean(expected));
        }
    }

    /** The master key's caller has no key; a tenant the store does not know has no attributes. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"key.id": {"$exists": false}}                                  | true
            {"key.team": {"$exists": false}}                                | true
            {"key.metadata.tier": {"$exists": false}}                       | true
            {"key.metadata.tier": {"$nin": ["free"]}}                       | true
            {"key.metadata.tier": "free"}                                   | false
            {"tenant.metadata.plan": {"$exists": false}}                    | true
            {"tenant": "default"}                                           | true
            """)
    void withoutAKeyOrAStoredTenantTheirAttributesAreMissing(String query, boolean expected) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(Variables.TENANT, "default");

        assertThat(new MatchLanguage().createPredicate(query).matches(exchange)).isEqualTo(expected);
    }
}
